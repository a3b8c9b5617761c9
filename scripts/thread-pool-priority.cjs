// Lowers the CPU priority (nice 10) of libuv's thread pool, where the `argon2` package hashes
// passwords, so that the server may hash on every core and a request's JavaScript (one thread,
// nice 0) still gets a core at once when it needs one: the kernel runs a nice-10 thread only
// for about a tenth of a core that a nice-0 thread also wants. lib/config.ts then lets hashing
// use every core (PASSWORD_HASH_CONCURRENCY's default); without this, hashing keeps one core
// free for the requests instead. Measured in docs/benchmarks.md, "Round 8 — sign-in hashing".
//
// Loaded with `--require` (SERVER_NODE_OPTIONS in scripts/server-environment.mjs), because it
// must run before the pool exists: libuv creates all of the pool's threads at once, synchronously
// inside the call that queues its first job, and Node's ESM loader queues one (reading
// scripts/server.mjs) before any line of it runs. Here, the threads present after queueing a
// first job that were not there before are exactly the pool's. Linux only (nice is per thread
// there, and os.setPriority accepts a thread id); anywhere else, or when the pool already existed,
// it does nothing and the server runs as before.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const { isMainThread } = require("node:worker_threads");

/** How much lower than the process the pool runs (nice 0 → 10): about a tenth of the main thread's weight. */
const NICE_STEP = 10;
const PUBLISHED = Symbol.for("latchkey.threadPoolPriority");

function threadIds() {
  try {
    return fs.readdirSync("/proc/self/task");
  } catch {
    return null;
  }
}

function lowerPoolPriority() {
  if (process.platform !== "linux" || !isMainThread || globalThis[PUBLISHED]) return;
  const before = threadIds();
  if (!before) return;
  fs.stat(__filename, () => {}); // the pool's first job: its threads exist when this call returns
  const pool = (threadIds() ?? []).filter((tid) => !before.includes(tid)).map(Number);
  const nice = Math.min(19, os.getPriority() + NICE_STEP);
  const lowered = [];
  for (const tid of pool) {
    try {
      os.setPriority(tid, nice);
      lowered.push(tid);
    } catch {
      // Not allowed here (a seccomp profile, say): that thread keeps its priority.
    }
  }
  // Read by lib/config.ts (the hashing default) and the test; only when every pool thread was lowered.
  if (lowered.length > 0 && lowered.length === pool.length) globalThis[PUBLISHED] = { threads: lowered, nice };
}

lowerPoolPriority();
