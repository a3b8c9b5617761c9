/**
 * `npm run backup` while the server takes 200 writes, then `npm run restore`
 * into a fresh instance (a new DATA_DIR, or a new PostgreSQL database with
 * TEST_DATABASE=postgres): every write acknowledged before the backup started
 * is there, nothing that was never written is, and verify-events says OK.
 * A wrong key is refused with nothing written; an occupied target is refused
 * without --force and replaced with it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { setUpOwner } from "../support/instance";
import { startServer, type Instance } from "../support/server";
import { tokenClient } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";

const ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
const WRITES = 200;

const run = (script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> => runNpmScript(script, args, env);

/** A fresh, empty target: a directory, and on PostgreSQL runs a new database on the run's server. */
async function freshTarget(): Promise<{ dataDir: string; databaseUrl: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-restore-"));
  if (process.env.TEST_DATABASE !== "postgres") return { dataDir, databaseUrl: "" };
  const { createDatabaseOn } = await import("../../scripts/test-support/postgres.mjs");
  return { dataDir, databaseUrl: await createDatabaseOn(process.env.LATCHKEY_TEST_POSTGRES_URL!, "restore") };
}

async function postgresTables(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")).rows[0].n);
  } finally {
    await client.end();
  }
}

let source: Instance;
let backupFile: string;
let acknowledgedBefore: string[] = [];
let attempted: string[] = [];
let token: string;
const cleanup: string[] = [];

test.afterAll(async () => {
  await source?.stop();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

test.describe.configure({ mode: "serial" });

test("a backup taken during 200 writes restores every write acknowledged before it, and the chain verifies", async () => {
  test.setTimeout(300_000);
  source = await startServer({ ENCRYPTION_KEY });
  const setup = await setUpOwner(source);
  token = setup.personal_access_token;
  const owner = tokenClient(source, token);
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-backup-"));
  cleanup.push(backupDir);
  backupFile = path.join(backupDir, "latchkey.backup");

  const acknowledged: string[] = [];
  const inDoubt: string[] = [];
  let backup: Promise<{ code: number | null; output: string }> | undefined;
  let next = 0;
  const writer = async () => {
    while (next < WRITES) {
      const name = `Group ${String(next++).padStart(3, "0")}`;
      attempted.push(name);
      // The backup starts once a quarter of the writes are acknowledged; the rest run alongside it.
      if (!backup && acknowledged.length >= WRITES / 4) {
        acknowledgedBefore = [...acknowledged];
        backup = run("backup", ["--out", backupFile], { DATA_DIR: source.dataDir, DATABASE_URL: source.databaseUrl ?? "", ENCRYPTION_KEY });
      }
      // A keep-alive socket the server closed just as it was reused ("other side closed") is a write
      // the client never saw acknowledged: it counts as unacknowledged, like any write in doubt.
      const res = await owner.post<{ id: string }>("/api/groups", { name }).catch((err: unknown) => {
        inDoubt.push(`${name}: ${String((err as Error).cause ?? err)}`);
        return null;
      });
      if (!res) continue;
      expect(res.status, res.text).toBe(200);
      acknowledged.push(name);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  const backedUp = await backup!;
  expect(backedUp.code, backedUp.output).toBe(0);
  expect(backedUp.output).toMatch(/schema version \d+ \(\d{4}_\w+\), encryption key id [0-9a-f]{8}/);
  expect(backedUp.output).toMatch(/activity chain of account [\w-]+: head #\d+/);
  expect(backedUp.output).toContain("The encryption key is NOT in the backup");
  expect(backedUp.output).not.toContain(ENCRYPTION_KEY);
  expect(fs.readFileSync(backupFile).includes(Buffer.from(ENCRYPTION_KEY))).toBe(false);
  expect(acknowledged.length + inDoubt.length).toBe(WRITES);
  expect(inDoubt.length, inDoubt.join("\n")).toBeLessThanOrEqual(5);

  const target = await freshTarget();
  cleanup.push(target.dataDir);
  const restored = await run("restore", ["--from", backupFile], { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, ENCRYPTION_KEY });
  expect(restored.code, restored.output).toBe(0);
  expect(restored.output).toContain("Row counts match the manifest");
  expect(restored.output).toMatch(/Activity chain verified: \d+ events/);

  const copy = await startServer({ ENCRYPTION_KEY, DATABASE_URL: target.databaseUrl }, { dataDir: target.dataDir });
  try {
    const groups = await tokenClient(copy, token).get<Array<{ name: string }>>("/api/groups");
    expect(groups.status, groups.text).toBe(200);
    const names = groups.body.map((g) => g.name);
    for (const name of acknowledgedBefore) expect(names).toContain(name);
    for (const name of names) expect(attempted).toContain(name);
  } finally {
    await copy.stop();
  }
  const verify = await run("verify-events", [], { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, ENCRYPTION_KEY });
  expect(verify.code, verify.output).toBe(0);
  expect(verify.output).toMatch(/OK, \d+ events verified/);

  // The restored instance is not empty any more: refused without --force (nothing changes), replaced with it.
  const again = await run("restore", ["--from", backupFile], { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, ENCRYPTION_KEY });
  expect(again.code, again.output).toBe(1);
  expect(again.output).toMatch(/restore refused: .*(already exists|is not empty).*Nothing was written\./);
  const forced = await run("restore", ["--from", backupFile, "--force"], { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, ENCRYPTION_KEY });
  expect(forced.code, forced.output).toBe(0);
  expect(forced.output).toContain("Row counts match the manifest");
});

test("a restore with the wrong key is refused and writes nothing", async () => {
  const target = await freshTarget();
  cleanup.push(target.dataDir);
  const wrongKey = crypto.randomBytes(32).toString("base64");
  const refused = await run("restore", ["--from", backupFile], { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, ENCRYPTION_KEY: wrongKey });
  expect(refused.code, refused.output).toBe(1);
  expect(refused.output).toContain("restore refused: The encryption key does not match this backup");
  expect(refused.output).toContain("Nothing was written.");
  expect(fs.readdirSync(target.dataDir)).toEqual([]);
  if (target.databaseUrl) expect(await postgresTables(target.databaseUrl)).toBe(0);

  // A file that is not a backup is refused the same way.
  const notBackup = path.join(target.dataDir, "..", `not-a-backup-${process.pid}`);
  fs.writeFileSync(notBackup, "hello");
  try {
    const wrongFile = await run("restore", ["--from", notBackup], { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, ENCRYPTION_KEY });
    expect(wrongFile.code, wrongFile.output).toBe(1);
    expect(wrongFile.output).toMatch(/is not a Latchkey backup/);
    expect(fs.readdirSync(target.dataDir)).toEqual([]);
  } finally {
    fs.rmSync(notBackup, { force: true });
  }
});
