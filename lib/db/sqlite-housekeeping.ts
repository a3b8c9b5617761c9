/**
 * SQLite housekeeping off the request path, in a worker thread with its own
 * connection: WAL checkpoints, and the query planner's statistics.
 *
 * Checkpoints.
 * By default SQLite checkpoints inside the COMMIT that grows the write-ahead
 * log past `wal_autocheckpoint` pages: that commit copies the log back into the
 * database file and fsyncs it on the main thread, and every request waits
 * behind it (with the search index, about every 20th user created paid for it:
 * the create-user p95 in `npm run bench`). A server process instead runs
 * PASSIVE checkpoints from a worker thread with its own connection: a PASSIVE
 * checkpoint never blocks the writer or the readers, it copies what no reader
 * still needs. The writer's own automatic checkpoint stays as a backstop at a
 * higher threshold: under a steady stream of writes the worker rarely catches
 * the log's very end, and SQLite only starts the log over once all of it was
 * copied, so the backstop does that, copying just the few pages the worker
 * hasn't. It also bounds the log if the worker fails (which puts the default
 * threshold back).
 *
 * The worker's thread runs at the lowest CPU priority (nice 19; Linux sets it
 * per thread). A checkpoint copies what ~100 creates wrote (tens of MiB at
 * 100,000 users) and uses a core meanwhile; at the process's priority it took
 * that core from the requests' thread on a busy 2-core machine: creates that
 * overlapped a checkpoint waited longer on the run queue (measured from
 * /proc/thread-self/schedstat per create: p50 8.95 against 5.57 ms for the
 * others in one run, 3.74 against 3.03 in the next), while their time blocked
 * in system calls did not grow. At nice 19 the copy yields; overlapping
 * creates run as fast as the others (docs/benchmarks.md, round 11). The
 * hourly statistics pass runs at that priority too (short: analysis_limit);
 * the one at start runs before the priority drops.
 *
 * Statistics. Without them SQLite's planner guesses, and with several indexes
 * that start with account_id it can guess badly: at 100,000 users it read the
 * whole account through an index to fetch 30 users by id (150 ms instead of
 * 2 ms). The worker runs `PRAGMA optimize` (ANALYZE where the tables changed
 * enough, sampled: analysis_limit) when it starts and every hour, as SQLite
 * recommends for long-lived connections; other connections pick the new
 * statistics up on their next statement.
 */
import "server-only";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/** How often the worker looks at the log (a read of the -shm header) and checkpoints when MIN_FRAMES wait. */
const INTERVAL_MS = 500;
const OPTIMIZE_EVERY_MS = 60 * 60 * 1000;
/**
 * The writer's own threshold while the worker runs: 16,000 pages (about 64 MiB
 * of log). Each time the log passes it, one commit copies the pages the worker
 * hasn't and fsyncs the database and the log on the main thread (5–300 ms with
 * the disk busy); at 4,000 pages that was every ~60th user created (a create
 * writes ~65 pages), a share of the create-user p95's slow creates by itself.
 */
export const BACKSTOP_PAGES = 16_000;
const DEFAULT_PAGES = 1_000;
/**
 * The worker copies the log once this many frames wait (SQLite's own default
 * threshold, 4 MiB). Copying everything also means the next write starts the
 * log over, and SQLite syncs the restarted log's header inside that write's
 * COMMIT, on the requests' thread (a documented cost of synchronous = NORMAL).
 * Checkpointing every half second whatever the log held made every write after
 * a quiet half second pay that fsync: 2–60 ms per sporadic write on this
 * machine (strace), and on the token bench two event-loop stalls of 80–110 ms
 * in the rate limiter's reservation writes (docs/benchmarks.md, round 11).
 */
const MIN_FRAMES = 1_000;
/** The worker thread's nice value (19: the lowest priority; the process's other threads keep theirs). */
const WORKER_NICENESS = 19;

// The worker is a string: Next.js bundles lib/ and must not bundle a worker file or the native module;
// better-sqlite3 is required at run time from the application's node_modules, as the writer's is.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
// A small page cache: this connection only checkpoints and samples statistics, and better-sqlite3's
// default (16 MB per connection) stays resident once ANALYZE has read that much of a large database.
db.pragma("cache_size = -1024");
// Rows sampled per index by ANALYZE: statistics good enough to choose an index, in milliseconds at any size.
db.pragma("analysis_limit = 1000");
// Busy in any form (SQLITE_BUSY, or an extended code such as SQLITE_BUSY_SNAPSHOT when the writer committed
// between this connection's read and its write): another connection has the lock; try again next time.
const isBusy = (err) => typeof err?.code === "string" && err.code.startsWith("SQLITE_BUSY");
const optimize = (mask) => {
  try {
    db.pragma(mask === undefined ? "optimize" : "optimize = " + mask);
  } catch (err) {
    if (!isBusy(err)) throw err;
  }
};
// 0x10002: check every table at start (a new connection hasn't seen any query yet).
optimize("0x10002");
// Then this thread at the lowest CPU priority (Linux: a thread id is a PRIO_PROCESS target): the copying
// yields to the requests' thread whenever both want a core, instead of sharing it with them. Only after
// the start-up statistics pass: that one holds the write lock while the server starts, and a thread at
// nice 19 on a busy host could keep it past the writer's busy timeout.
if (workerData.niceness !== null) {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
    require("node:os").setPriority(tid, workerData.niceness);
  } catch {
    // Not Linux, or no /proc: the thread keeps the process's priority.
  }
}
const optimizer = setInterval(() => optimize(), workerData.optimizeEveryMs);
// Frames in the log not yet copied into the database file, from the wal-index's header in the -shm
// file (mxFrame at byte 16, the checkpoint's nBackfill at byte 96; native byte order). A torn read
// (a writer changing it meanwhile) only moves one checkpoint by an interval.
const fs = require("node:fs");
const littleEndian = require("node:os").endianness() === "LE";
const header = Buffer.alloc(100);
let shm = null;
const framesPending = () => {
  try {
    shm ??= fs.openSync(workerData.file + "-shm", "r");
    if (fs.readSync(shm, header, 0, 100, 0) < 100) return Infinity;
    const mxFrame = littleEndian ? header.readUInt32LE(16) : header.readUInt32BE(16);
    const nBackfill = littleEndian ? header.readUInt32LE(96) : header.readUInt32BE(96);
    return mxFrame >= nBackfill ? mxFrame - nBackfill : Infinity;
  } catch {
    return Infinity;
  }
};
const timer = setInterval(() => {
  if (framesPending() < workerData.minFrames) return;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    // Another checkpoint runs (e.g. another process's); try again next time.
    if (!isBusy(err)) throw err;
  }
}, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m === "stop") {
    clearInterval(timer);
    clearInterval(optimizer);
    if (shm !== null) fs.closeSync(shm);
    db.close();
    parentPort.close();
  }
});
`;

export type Housekeeper = { stop(): Promise<void> };

export type HousekeepingOptions = {
  /**
   * The worker thread's nice value; null keeps the process's priority. Tests pass null: at nice 19 on a
   * machine saturated by other work (a CI run's parallel test files) the thread may wait indefinitely
   * for a core, which is the point in production and no test of the checkpoints themselves.
   */
  niceness?: number | null;
};

/** Starts the worker on `file` and raises `writer`'s own checkpoint threshold to the backstop. */
export function housekeepInBackground(file: string, writer: Database.Database, options: HousekeepingOptions = {}): Housekeeper {
  const niceness = options.niceness === undefined ? WORKER_NICENESS : options.niceness;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs: INTERVAL_MS, optimizeEveryMs: OPTIMIZE_EVERY_MS, niceness, minFrames: MIN_FRAMES },
  });
  // The process doesn't stay up for it; the writer's backstop keeps the log bounded meanwhile.
  worker.unref();
  writer.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let running = true;
  const fallBack = (reason: string) => {
    if (!running) return;
    running = false;
    if (writer.open) writer.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
    console.error(`SQLite background housekeeping stopped (${reason}); the writer checkpoints itself again`);
  };
  worker.on("error", (err) => fallBack(err.message));
  worker.on("exit", (code) => {
    if (code !== 0) fallBack(`exit code ${code}`);
  });
  return {
    async stop() {
      if (!running) return;
      running = false;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage("stop");
      // A worker busy in a long statement answers late: a stop (shutdown) waits at most a second, then ends it.
      const late = setTimeout(() => void worker.terminate(), 1_000);
      await exited;
      clearTimeout(late);
      if (writer.open) writer.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
    },
  };
}
