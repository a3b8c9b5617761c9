import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_MS, sqliteCommittedVersion } from "./sqlite-committed-version";

describe("SQLite's committed version", () => {
  let dir: string;
  let reader: Database.Database;
  let other: Database.Database;
  let now: number;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-committed-version-"));
    const file = path.join(dir, "db.sqlite");
    other = new Database(file);
    other.pragma("journal_mode = WAL");
    other.exec("CREATE TABLE t (v INTEGER)");
    reader = new Database(file);
    now = 1_000;
  });

  afterEach(() => {
    reader.close();
    other.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("moves at once for this process's writes", () => {
    const version = sqliteCommittedVersion(reader, () => now);
    const before = version.read();
    version.committed();
    expect(version.read()).not.toBe(before);
  });

  it("sees another connection's commit once SAMPLE_MS have passed, and not before", () => {
    const version = sqliteCommittedVersion(reader, () => now);
    const before = version.read();
    other.prepare("INSERT INTO t VALUES (1)").run();
    now += SAMPLE_MS / 2;
    expect(version.read()).toBe(before);
    now += SAMPLE_MS / 2;
    const after = version.read();
    expect(after).not.toBe(before);
    // Nothing more was written: it stays.
    now += 10 * SAMPLE_MS;
    expect(version.read()).toBe(after);
  });
});
