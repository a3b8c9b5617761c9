import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { BACKSTOP_PAGES, housekeepInBackground } from "./sqlite-housekeeping";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function walDatabase(): { file: string; writer: Database.Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-checkpoints-"));
  dirs.push(dir);
  const file = path.join(dir, "test.db");
  const writer = new Database(file);
  writer.pragma("journal_mode = WAL");
  writer.pragma("synchronous = NORMAL");
  writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  return { file, writer };
}

/**
 * Writes about `pages` pages of rows, one transaction per `perCommit` rows (10: as a busy server would; all of them:
 * the worker sees the log grow in one step).
 */
function writePages(writer: Database.Database, pages: number, perCommit = 10): void {
  const insert = writer.prepare("INSERT INTO t (body) VALUES (?)");
  const batch = writer.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(Buffer.alloc(3_000, i));
  });
  for (let done = 0; done < pages; done += perCommit) batch(Math.min(perCommit, pages - done));
}

const autocheckpoint = (db: Database.Database) => db.pragma("wal_autocheckpoint", { simple: true });
/** The checkpoint tests keep the worker at the process's priority: at nice 19 a saturated CI machine may starve it. */
const atOurPriority = { niceness: null };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("housekeepInBackground", () => {
  it("copies the log into the database file from the worker, while the writer's own threshold is raised", { timeout: 45_000 }, async () => {
    const { file, writer } = walDatabase();
    const checkpointer = housekeepInBackground(file, writer, atOurPriority);
    try {
      expect(autocheckpoint(writer)).toBe(BACKSTOP_PAGES);
      const before = fs.statSync(file).size;
      // 1,500 pages: past SQLite's default threshold, below the backstop, so only the worker can have copied them.
      // One commit, so the worker can't copy the first 1,000 frames and leave the rest (under its threshold) alone.
      writePages(writer, 1_500, 1_500);
      let size = fs.statSync(file).size;
      for (let waited = 0; waited < 30_000 && size < before + 1_400 * 4096; waited += 100) {
        await sleep(100);
        size = fs.statSync(file).size;
      }
      expect(size).toBeGreaterThan(before + 1_400 * 4096);
    } finally {
      await checkpointer.stop();
    }
    // Stopped: the writer checkpoints itself again, at SQLite's default.
    expect(autocheckpoint(writer)).toBe(1_000);
    writer.close();
  });

  it("leaves a short log alone, so a sporadic write doesn't start the log over (and sync it) in its COMMIT", { timeout: 45_000 }, async () => {
    const { file, writer } = walDatabase();
    const housekeeper = housekeepInBackground(file, writer, atOurPriority);
    try {
      const before = fs.statSync(file).size;
      // A few writes, far below 1,000 frames, then three of the worker's intervals.
      for (let i = 0; i < 5; i++) {
        writePages(writer, 20);
        await sleep(400);
      }
      expect(fs.statSync(file).size).toBe(before);
      // Past 1,000 frames the worker copies them. One commit: written 10 rows at a time on a slow machine, the worker
      // could copy the log the moment it passed 1,000 frames (~870 of these pages) and leave the rest, under 1,000, alone.
      writePages(writer, 1_200, 1_200);
      const copied = before + 1_000 * 4096;
      let size = fs.statSync(file).size;
      // The file grows while the worker copies: wait for the whole copy, not its first pages.
      for (let waited = 0; waited < 30_000 && size <= copied; waited += 100) {
        await sleep(100);
        size = fs.statSync(file).size;
      }
      expect(size).toBeGreaterThan(copied);
    } finally {
      await housekeeper.stop();
      writer.close();
    }
  });

  it("gives the query planner statistics when it starts (PRAGMA optimize)", async () => {
    const { file, writer } = walDatabase();
    writer.exec("CREATE TABLE u (id TEXT PRIMARY KEY, account TEXT NOT NULL, role TEXT NOT NULL)");
    writer.exec("CREATE INDEX u_account_role ON u (account, role)");
    const insert = writer.prepare("INSERT INTO u VALUES (?, 'one-account', ?)");
    writer.transaction(() => {
      for (let i = 0; i < 5_000; i++) insert.run(`id-${i}`, i % 5 === 0 ? "admin" : "user");
    })();
    const hasStats = () =>
      (writer.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get() as number) > 0 &&
      (writer.prepare("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'u_account_role'").pluck().get() as number) > 0;
    expect(hasStats()).toBe(false);
    const housekeeper = housekeepInBackground(file, writer);
    try {
      for (let waited = 0; waited < 10_000 && !hasStats(); waited += 100) await sleep(100);
      expect(hasStats()).toBe(true);
    } finally {
      await housekeeper.stop();
      writer.close();
    }
  });

  it("lowers its thread's CPU priority to nice 19 by default (Linux)", async () => {
    if (process.platform !== "linux") return;
    const { file, writer } = walDatabase();
    const niceOfThreads = () =>
      fs.readdirSync("/proc/self/task").map((tid) => {
        // Field 19 of stat is the nice value; the command name (field 2) may hold spaces, so count from its ")".
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      });
    const before = niceOfThreads().filter((nice) => nice === 19).length;
    const housekeeper = housekeepInBackground(file, writer);
    try {
      let lowered = 0;
      for (let waited = 0; waited < 20_000 && lowered <= before; waited += 100) {
        await sleep(100);
        lowered = niceOfThreads().filter((nice) => nice === 19).length;
      }
      expect(lowered).toBe(before + 1);
    } finally {
      await housekeeper.stop();
      writer.close();
    }
  });

  it("puts the writer's default threshold back when the worker fails", async () => {
    const { file, writer } = walDatabase();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      // The worker can't open a file that doesn't exist (fileMustExist): it fails at once.
      housekeepInBackground(`${file}.missing`, writer);
      for (let waited = 0; waited < 10_000 && autocheckpoint(writer) !== 1_000; waited += 50) await sleep(50);
      expect(autocheckpoint(writer)).toBe(1_000);
      expect(String(errors[0])).toContain("SQLite background housekeeping stopped");
    } finally {
      console.error = original;
      writer.close();
    }
  });
});
