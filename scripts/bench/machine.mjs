// What the bench ran on, and how much of the machine something else used
// meanwhile. On a small shared machine, background work (a build, a test run)
// changes every figure, so the report says how much there was.
import fs from "node:fs";
import os from "node:os";

export function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpu_model: cpu,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    uv_threadpool_size: process.env.UV_THREADPOOL_SIZE ?? "4 (default)",
  };
}

// /proc/stat and /proc/<pid>/stat both count in USER_HZ ticks, 100 a second on Linux.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far: by the whole machine, and by this process plus the
 * children it has reaped (the servers it started and stopped). Null off Linux.
 */
export function cpuCounters() {
  try {
    const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const machineBusy = user + nice + system + irq + softirq + steal;
    const self = fs.readFileSync("/proc/self/stat", "utf8");
    // Fields after the ")" that closes the command name: utime is the 12th, then stime, cutime, cstime.
    const after = self.slice(self.lastIndexOf(")") + 2).split(" ").map(Number);
    const ours = after[11] + after[12] + after[13] + after[14];
    return {
      machineBusy: machineBusy / TICKS_PER_SECOND,
      machineTotal: (machineBusy + idle + iowait) / TICKS_PER_SECOND,
      ours: ours / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

/** Average number of cores busy with work that is neither this process nor its reaped children. */
export function otherCores(start, end, live = 0) {
  if (!start || !end) return NaN;
  const wall = (end.machineTotal - start.machineTotal) / os.cpus().length;
  if (wall <= 0) return NaN;
  const others = end.machineBusy - start.machineBusy - (end.ours - start.ours) - live;
  return Math.max(0, others / wall);
}
