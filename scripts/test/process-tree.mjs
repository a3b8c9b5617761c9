// The processes under a test stage, read from /proc (Linux): what the watchdog prints about a stage that stopped
// making progress (each process's state, CPU use and where in the kernel it waits), and how it ends such a stage
// whole, Chromium and the servers a test started in process groups of their own included.
import fs from "node:fs";

/** USER_HZ: the unit of /proc/<pid>/stat's CPU times (100 on every Linux architecture Node runs on). */
const TICKS_PER_SECOND = 100;

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

/** One process from /proc, or null when it is gone. */
function readProcess(pid) {
  const stat = readOr(`/proc/${pid}/stat`, null);
  if (stat === null) return null;
  // The name may hold spaces and parentheses: the fields after it start after its last ")".
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  const name = stat.slice(stat.indexOf("(") + 1, close);
  const command = readOr(`/proc/${pid}/cmdline`, "").split("\0").filter(Boolean).join(" ");
  return {
    pid,
    ppid: Number(fields[1]),
    state: fields[0],
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    wchan: readOr(`/proc/${pid}/wchan`, "").trim() || "-",
    command: command || `[${name}]`,
  };
}

function everyProcess() {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((p) => p !== null);
}

/** root and every process under it, parents before their children, each with its depth under root. */
export function processTree(root) {
  const all = everyProcess();
  const children = new Map();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const top = all.find((p) => p.pid === root);
  if (!top) return [];
  const tree = [];
  const visit = (p, depth) => {
    tree.push({ ...p, depth });
    for (const child of children.get(p.pid) ?? []) visit(child, depth + 1);
  };
  visit(top, 0);
  return tree;
}

/**
 * The tree under root as text, one process a line: pid, state (R running, S sleeping, D uninterruptible: disk or
 * memory, T stopped, Z exited), CPU % over sampleMs, the kernel function it waits in, and its command line.
 */
export async function describeProcessTree(root, sampleMs = 1_000) {
  const before = new Map(processTree(root).map((p) => [p.pid, p.cpuSeconds]));
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const tree = processTree(root);
  if (tree.length === 0) return `(process ${root} has ended)`;
  const lines = tree.map((p) => {
    const cpu = before.has(p.pid) ? `${Math.round(((p.cpuSeconds - before.get(p.pid)) * 100_000) / sampleMs)}%` : "new";
    const oneLine = p.command.replace(/\s+/g, " ");
    const command = oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
    return `${String(p.pid).padStart(7)} ${p.state} ${cpu.padStart(4)} ${p.wchan.padEnd(24)} ${"  ".repeat(p.depth)}${command}`;
  });
  return [`${"pid".padStart(7)} S  CPU ${"waits in".padEnd(24)} command`, ...lines].join("\n");
}

/**
 * Ends root and every process under it. The tree is first frozen (SIGSTOP, listed again until no new process
 * appears: a stopped process forks no more, and its children stay under it), then every process in it gets
 * SIGKILL; killing a parent first would move its children to init, out of the tree. Resolves to the pids killed.
 */
export async function killTree(root) {
  const frozen = new Set();
  const signal = (pid, name) => {
    try {
      process.kill(pid, name);
      return true;
    } catch {
      return false; // gone already
    }
  };
  for (let round = 0; round < 10; round += 1) {
    const fresh = processTree(root).filter((p) => !frozen.has(p.pid));
    if (fresh.length === 0) break;
    for (const p of fresh) if (signal(p.pid, "SIGSTOP")) frozen.add(p.pid);
    // A stop lands when the process next runs in the kernel's eyes; give the tree a moment before listing it again.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [...frozen].filter((pid) => signal(pid, "SIGKILL"));
}
