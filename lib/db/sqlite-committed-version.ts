/**
 * Engine.committedVersion on SQLite: a number that moves whenever a commit may have changed what a
 * read returns, for the caches that reuse an answer while nothing was written since (the access-token
 * lookup, lib/tokens/access-tokens.ts; kept users pages, lib/users/list-cache.ts).
 *
 * - This process's own commits move it at once: the engine calls `committed()` after every
 *   transaction on the writer and every write a library makes through withWriter (./sqlite.ts).
 * - Commits by other connections to the file (a CLI command, another process, the housekeeping
 *   worker) are seen through the reader's `PRAGMA data_version`, which changes whenever anyone else
 *   commits. It is read again only when SAMPLE_MS have passed since the last read.
 *
 * Why not read the pragma on every call: it starts a read transaction (a lock on the WAL's shared
 * memory), about 3–6 µs on this project's machine, three times everything else a token verification
 * costs (docs/benchmarks.md, round 23). The price is that another process's commit reaches these
 * caches up to SAMPLE_MS late; no person or script can tell (starting a process takes longer), and
 * this process's own writes (every change made through the app) are seen by the very next read.
 */
import type Database from "better-sqlite3";

/** How stale another process's commit may be when a cache is asked (milliseconds). */
export const SAMPLE_MS = 1;

export type SqliteCommittedVersion = {
  /** The current version (synchronous). */
  read(): number;
  /** This process committed (or may have): the version moves. */
  committed(): void;
};

export function sqliteCommittedVersion(reader: Database.Database, clock: () => number = performance.now.bind(performance)): SqliteCommittedVersion {
  const dataVersion = reader.prepare<[], number>("PRAGMA data_version").pluck(true);
  let version = 0;
  let seen = dataVersion.get()!;
  let sampledAt = clock();
  return {
    read() {
      const now = clock();
      if (now - sampledAt >= SAMPLE_MS) {
        sampledAt = now;
        const current = dataVersion.get()!;
        if (current !== seen) {
          seen = current;
          version++;
        }
      }
      return version;
    },
    committed() {
      version++;
    },
  };
}
