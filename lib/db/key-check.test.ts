import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { newDataDir, restartWith } from "@/test/fresh-instance";
import { onSqlite } from "@/test/test-database";

const ORIGINAL_KEY = process.env.ENCRYPTION_KEY!;
const OTHER_KEY = crypto.randomBytes(32).toString("base64");
const databaseFile = () => path.join(process.env.DATA_DIR!, "latchkey.db");

/** Reads the database behind the application's back, without migrations or key checks. */
function readRaw<T>(sql: string): T[] {
  const raw = new Database(databaseFile(), { readonly: true });
  try {
    return raw.prepare(sql).all() as T[];
  } finally {
    raw.close();
  }
}

/** Writes behind the application's back (the app's reader is read-only; no unit of work is open). */
function writeRaw(...statements: string[]): void {
  const raw = new Database(databaseFile());
  try {
    for (const statement of statements) raw.exec(statement);
    raw.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    raw.close();
  }
}

beforeEach(async () => {
  await restartWith({ DATA_DIR: newDataDir() });
});

/** Opens DATA_DIR as a freshly started process would, with the given key. */
async function startWithKey(key: string) {
  await restartWith({ ENCRYPTION_KEY: key });
  const [client, keyCheck, schema] = await Promise.all([import("./database"), import("./key-check"), import("./schema")]);
  return { ...client, ...keyCheck, schema };
}

// PostgreSQL's key check: lib/db/postgres.test.ts.
describe.runIf(onSqlite)("SQLite file: verifyEncryptionKey", () => {
  it("stores an encrypted check value on first start", async () => {
    const app = await startWithKey(ORIGINAL_KEY);
    app.db();
    const [check] = readRaw<{ key: string; value: string }>("select key, value from meta");
    expect(check.key).toBe("encryption_key_check");
    expect(check.value).toMatch(/^[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
  });

  it("refuses to open the database with a different key, and changes nothing", async () => {
    const first = await startWithKey(ORIGINAL_KEY);
    first.db();
    writeRaw("INSERT INTO accounts (id) VALUES ('account-1')");
    const metaBefore = readRaw("select * from meta");

    const second = await startWithKey(OTHER_KEY);
    let error: unknown;
    try {
      second.db();
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(second.EncryptionKeyMismatchError);
    expect((error as Error).message).toContain("The encryption key does not match this database");
    expect((error as Error).message).toContain(databaseFile());
    expect((globalThis as { latchkeyEngine?: unknown }).latchkeyEngine).toBeUndefined();
    expect(readRaw("select * from meta")).toEqual(metaBefore);
    expect(readRaw("select id from accounts")).toEqual([{ id: "account-1" }]);

    // The right key still opens it.
    const third = await startWithKey(ORIGINAL_KEY);
    expect(await third.db().select().from(third.schema.accounts)).toHaveLength(1);
  });

  it("refuses a database that has data but lost its check value", async () => {
    const app = await startWithKey(ORIGINAL_KEY);
    app.db();
    writeRaw("INSERT INTO accounts (id) VALUES ('account-1')", "DELETE FROM meta");

    const restarted = await startWithKey(ORIGINAL_KEY);
    expect(() => restarted.db()).toThrow(restarted.EncryptionKeyMismatchError);
    expect(() => restarted.db()).toThrow(/key check value is missing/);
    expect(readRaw("select * from meta")).toEqual([]);
  });

  it("refuses a database whose key file is gone without generating a new key or writing anything", async () => {
    delete process.env.ENCRYPTION_KEY;
    await restartWith({});
    const first = await import("./database");
    first.db(); // generates DATA_DIR/encryption.key and the database
    const keyFile = path.join(process.env.DATA_DIR!, "encryption.key");
    expect(fs.existsSync(keyFile)).toBe(true);
    fs.rmSync(keyFile);
    await restartWith({}); // closes the first connection
    const before = fs.readdirSync(process.env.DATA_DIR!).sort();

    const [client, keys] = await Promise.all([import("./database"), import("@/lib/crypto/keys")]);
    expect(() => client.db()).toThrow(keys.MissingEncryptionKeyError);
    expect(() => client.db()).toThrow(/exists, but there is no encryption key for it: set ENCRYPTION_KEY/);
    expect(fs.existsSync(keyFile)).toBe(false);
    expect(fs.readdirSync(process.env.DATA_DIR!).sort()).toEqual(before);
    process.env.ENCRYPTION_KEY = ORIGINAL_KEY;
  });
});
