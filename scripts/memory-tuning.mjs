// How much memory the server's V8 heap keeps, set from inside the process so that `npm start`,
// `node scripts/server.mjs` (systemd) and the bench all get it with no flags or environment.
//
// Measured (docs/benchmarks.md, "Round 7 — memory"): after the Team → Users pages at 100,000 users
// the live heap is ~80 MiB, but V8 let the old generation grow to ~150 MiB of mostly garbage before
// collecting (its growing factor is up to 4× the live size on a machine with this much memory), and
// kept a 32 MiB young generation (two 16 MiB semi-spaces) committed. Both flags below are read by V8
// at each collection, so setting them at run time takes effect (unlike --max-semi-space-size and
// --max-old-space-size, which are fixed when the heap is created). An operator's own flag wins.
import v8 from "node:v8";

/** The old generation may grow to 1.5× what survived the last full collection before the next one. */
const HEAP_GROWING_PERCENT = 50;

function operatorSet(flag) {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((arg) => arg.startsWith(`--${flag}`));
}

export function tuneHeap() {
  if (!operatorSet("heap-growing-percent")) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
