// How much memory the server's V8 heap keeps, set from inside the process so that `npm start`,
// `node scripts/server.mjs` (systemd) and the bench all get it with no flags or environment.
//
// Measured (docs/benchmarks.md, "Round 7 — memory"): after the Team → Users pages at 100,000 users
// the live heap is ~80 MiB, but V8 let the old generation grow to ~150 MiB of mostly garbage before
// collecting (its growing factor is up to 4× the live size on a machine with this much memory), and
// kept a 32 MiB young generation (two 16 MiB semi-spaces) committed. Both flags below are read by V8
// at each collection, so setting them at run time takes effect (unlike --max-semi-space-size and
// --max-old-space-size, which are fixed when the heap is created). An operator's own flag wins.
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";

/** The old generation may grow to 1.5× what survived the last full collection before the next one. */
const HEAP_GROWING_PERCENT = 50;

function operatorSet(flag) {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((arg) => arg.startsWith(`--${flag}`));
}

export function tuneHeap() {
  if (!operatorSet("heap-growing-percent")) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** How often the event loop's load is sampled, and below which share of a sample it counts as idle / above which as busy. */
const IDLE_SAMPLE_MS = 250;
const IDLE_BELOW = 0.02;
const BUSY_ABOVE = 0.1;

/**
 * One full collection when the server goes idle after a burst of work (a
 * sample above BUSY_ABOVE, then one below IDLE_BELOW), as browsers collect in
 * idle time. Measured ("Round 8 — users route, create and memory"): after the
 * Team → Users pages at 100,000 users the old space held ~95 MiB, 35–40 of it
 * garbage V8 would keep until the next allocation-driven collection, which an
 * idle server never reaches. The collection costs tens of milliseconds of CPU,
 * once per burst, when nothing waits for the thread; a steady trickle of
 * requests never counts as busy and triggers none.
 */
export function collectWhenIdle() {
  if (operatorSet("expose-gc")) return;
  v8.setFlagsFromString("--expose-gc");
  const collect = vm.runInNewContext("gc");
  let last = performance.eventLoopUtilization();
  let busy = false;
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (share > BUSY_ABOVE) busy = true;
    else if (busy && share < IDLE_BELOW) {
      busy = false;
      collect();
      // The collection itself is not a burst of work.
      last = performance.eventLoopUtilization();
    }
  }, IDLE_SAMPLE_MS).unref();
}
