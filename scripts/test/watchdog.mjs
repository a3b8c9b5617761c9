// One test stage under a watchdog: the stage's output passes through as it comes, and a stage that prints nothing
// for quietMs, or runs past ceilingMs, is stopped instead of waiting for CI's own limit (90 minutes, after which
// nothing lands and no output is kept). Before it is stopped, the watchdog prints why, the stage's process tree
// (states, CPU, where each process waits), what `diagnose` adds (the PostgreSQL stages: sessions and locks) and the
// last lines of output; then it kills the whole tree and the stage fails.
import { spawn } from "node:child_process";
import { describeProcessTree, killTree } from "./process-tree.mjs";

const duration = (ms) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);

/** The last `size` lines of a stream of chunks. */
function lastLines(size) {
  const lines = [];
  let partial = "";
  return {
    add(chunk) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop();
      lines.push(...parts);
      if (lines.length > size) lines.splice(0, lines.length - size);
    },
    text: () => [...lines, partial].filter((l) => l !== "").slice(-size).join("\n"),
  };
}

/** fn's text, or a note that it failed or took longer than timeoutMs: a report must not hang the watchdog. */
async function within(timeoutMs, what, fn) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve(`(${what}: no answer within ${timeoutMs / 1000} s)`), timeoutMs)));
  try {
    return await Promise.race([fn().catch((err) => `(${what} failed: ${err?.message ?? err})`), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs command with args until it exits, or until the watchdog stops it. Resolves to
 * { status, stopped (the reason, when the watchdog stopped it), longestQuietMs }.
 * out/err: where the output goes (process.stdout/stderr; tests pass their own).
 */
export function runWatched({
  name,
  command,
  args = [],
  env = process.env,
  cwd = process.cwd(),
  quietMs,
  ceilingMs,
  diagnose = async () => "",
  diagnoseTimeoutMs = 60_000,
  checkEveryMs = 1_000,
  out = process.stdout,
  err = process.stderr,
}) {
  const started = Date.now();
  let lastOutput = started;
  let longestQuietMs = 0;
  const tail = lastLines(40);
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const pass = (to) => (chunk) => {
    const now = Date.now();
    longestQuietMs = Math.max(longestQuietMs, now - lastOutput);
    lastOutput = now;
    tail.add(chunk.toString("utf8"));
    to.write(chunk);
  };
  child.stdout.on("data", pass(out));
  child.stderr.on("data", pass(err));

  let stopped;
  let stopping = Promise.resolve();
  let finished = false;
  const say = (text) => err.write(`${text}\n`);
  const report = async () => {
    say(`\n--- The stage's processes (R running, S sleeping, D uninterruptible: disk or memory, T stopped) ---`);
    say(await within(10_000, "the process tree", () => describeProcessTree(child.pid)));
    const more = await within(diagnoseTimeoutMs, "diagnostics", diagnose);
    if (more) say(`\n${more}`);
    say(`\n--- The stage's last lines of output ---\n${tail.text()}\n--- (end) ---`);
    say(`Killed the stage's ${(await killTree(child.pid)).length} processes.`);
  };
  const limitPassed = () => {
    const now = Date.now();
    if (now - lastOutput >= quietMs) return `no output for ${duration(now - lastOutput)} (limit ${duration(quietMs)}: TEST_QUIET_MINUTES)`;
    if (now - started >= ceilingMs) return `still running after ${duration(now - started)} (its ceiling: TEST_CEILING_MINUTES)`;
    return undefined;
  };
  const watch = setInterval(() => {
    if (!limitPassed()) return;
    // Decided once the output already in the pipes is read (setImmediate runs after the loop's poll for I/O): after
    // this process stalled (a loaded host), its timers run before it reads the pipes, and a stage that printed
    // meanwhile counted as quiet, its output missing from the report.
    setImmediate(() => {
      if (stopped || finished) return;
      stopped = limitPassed();
      if (!stopped) return;
      clearInterval(watch);
      say(`\n!!! ${name}: stopped by the watchdog: ${stopped}.`);
      stopping = report();
    });
  }, checkEveryMs);

  return new Promise((resolve) => {
    const finish = async (code, signal) => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      await stopping;
      resolve({ status: stopped || code === null ? 1 : code, stopped, signal, longestQuietMs: Math.max(longestQuietMs, Date.now() - lastOutput) });
    };
    child.on("error", (error) => {
      say(`${name}: could not start ${command}: ${error.message}`);
      void finish(1, null);
    });
    // The output written just before the exit is still in the pipes: wait for them to close ("close"), but not for a
    // process that outlived the stage and holds them still.
    child.on("exit", (code, signal) => {
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        void finish(code, signal);
      }, 5_000);
      child.on("close", () => {
        clearTimeout(grace);
        void finish(code, signal);
      });
    });
  });
}
