// Environment the server process starts with, for what can't be set from inside it: glibc reads its
// malloc settings, and V8 its young-generation size, once, when the process starts. `npm start`
// (scripts/start.mjs) and the bench apply these; the systemd unit in docs/operations.md sets the
// same. A value the operator set wins. Measured in docs/benchmarks.md, "Round 7 — memory".
//
// MALLOC_ARENA_MAX=2: every thread that allocates gets a malloc arena of its own by default (up to
// 8 per core), and argon2id's 19 MiB of working memory, once freed, stays resident in the arena of
// whichever of libuv's four pool threads ran that hash: after a few sign-ins, 76 MiB kept for good.
// Two arenas keep at most two such blocks.
//
// GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=41943040: argon2id's
// block (19 MiB) otherwise came and went between hashes: glibc's dynamic thresholds trimmed a freed
// block off its arena's top again and the next hash faulted all 4,864 pages in anew (700–2,000 faults
// per sign-in measured, about 3 ms of the pool's CPU). With blocks below 32 MiB always from the arena
// and up to 40 MiB of free top kept per arena, the two arenas keep the hash's pages warm: 0–40 faults
// per sign-in, and idle RSS after warm-up unchanged (those two blocks were already kept there after a
// warm-up's parallel sign-ins). Set both: setting either one alone turns glibc's dynamic mmap
// threshold off, and a trim threshold alone would send every block to mmap (4,865 faults per hash).
// Measured in docs/benchmarks.md, "Round 10: sign-in and code flow (wt-signin2)".
//
// --max-semi-space-size=8: V8's young generation is two semi-spaces of up to 16 MiB each by
// default, and both stay committed (32 MiB of RSS) once a busy page has grown them. 8 MiB halves
// that; scavenges run twice as often but each copies as little, the same CPU in total.
//
// --require scripts/thread-pool-priority.cjs: lowers the CPU priority of libuv's thread pool (where
// passwords are hashed) before the pool is used, so hashing may take every core without making
// requests wait (see that file). It must run before the main module loads, hence a preload.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SERVER_ENVIRONMENT = {
  MALLOC_ARENA_MAX: "2",
  GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=41943040",
};
const THREAD_POOL_PRIORITY = fileURLToPath(new URL("./thread-pool-priority.cjs", import.meta.url));
export const SERVER_NODE_OPTIONS = ["--max-semi-space-size=8", `--require=${JSON.stringify(THREAD_POOL_PRIORITY)}`];

/** An option's name as an operator would also spell it (`--max-semi-space-size`), or the preloaded file. */
function optionKey(option) {
  return option.startsWith("--require=") ? path.basename(THREAD_POOL_PRIORITY) : option.split("=")[0];
}

/** The settings not yet in `env`, as variables to add to it (those the operator set are left as they are). */
export function missingServerEnvironment(env = process.env) {
  const missing = Object.fromEntries(Object.entries(SERVER_ENVIRONMENT).filter(([name]) => env[name] === undefined));
  const options = env.NODE_OPTIONS ?? "";
  const extra = SERVER_NODE_OPTIONS.filter((option) => !options.includes(optionKey(option)));
  if (extra.length > 0) missing.NODE_OPTIONS = [options, ...extra].filter(Boolean).join(" ");
  return missing;
}
