import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { createDatabaseOn } from "@/scripts/test-support/postgres.mjs";
import { onPostgres } from "@/test/test-database";
import { startPasswordAskingServer } from "@/test/password-asking-server";
import type { Engine } from "./engine";
import { scratchDir } from "@/test/scratch";

const ORIGINAL_KEY = process.env.ENCRYPTION_KEY!;
const ORIGINAL_URL = process.env.DATABASE_URL!;
const opened: Engine[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((e) => e.close()));
  process.env.ENCRYPTION_KEY = ORIGINAL_KEY;
  process.env.DATABASE_URL = ORIGINAL_URL;
});

/** Modules as a freshly started process (replica) would load them, with the given key (and database). */
async function freshProcess(key = ORIGINAL_KEY, url = process.env.DATABASE_URL) {
  process.env.ENCRYPTION_KEY = key;
  process.env.DATABASE_URL = url;
  vi.resetModules();
  const [postgres, keyCheck, schema, raw] = await Promise.all([
    import("./postgres"),
    import("./key-check"),
    import("./schema"),
    import("./raw"),
  ]);
  return { ...postgres, ...keyCheck, schema, raw };
}

async function open(url: string, key?: string): Promise<Engine> {
  const { openPostgres } = await freshProcess(key);
  const engine = await openPostgres(url);
  opened.push(engine);
  return engine;
}

/** Reads a database behind the application's back. */
async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const migrationFiles = () =>
  (JSON.parse(fs.readFileSync(path.join(process.cwd(), "drizzle/postgres/meta/_journal.json"), "utf8")) as { entries: unknown[] }).entries
    .length;

describe.runIf(onPostgres)("PostgreSQL engine", () => {
  it("migrates a fresh database once when several replicas start at the same moment", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "replicas");
    const { openPostgres } = await freshProcess();
    const engines = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url)));
    opened.push(...engines);

    const applied = await query<{ n: number }>(url, 'SELECT CAST(count(*) AS INTEGER) AS n FROM drizzle."__drizzle_migrations"');
    expect(applied[0].n).toBe(migrationFiles());
    const checks = await query(url, "SELECT key FROM meta");
    expect(checks).toEqual([{ key: "encryption_key_check" }]);
    const triggers = await query<{ tgname: string }>(
      url,
      "SELECT tgname FROM pg_trigger WHERE tgrelid = 'activity_events'::regclass AND NOT tgisinternal ORDER BY tgname",
    );
    expect(triggers.map((t) => t.tgname)).toEqual([
      "activity_events_no_delete",
      "activity_events_no_truncate",
      "activity_events_no_update",
      "activity_events_sealed_insert",
    ]);
  });

  it("committed version: unchanged while nothing commits, changed by a commit on another replica; a call never shares a read sent before it", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "version");
    const a = await open(url);
    const b = await open(url);
    const { schema } = await freshProcess();
    const v1 = await a.committedVersion!();
    expect(await a.committedVersion!()).toBe(v1);
    await b.transact(async (tx) => {
      await tx.insert(schema.accounts).values({ id: "account-v" });
    });
    const v2 = await a.committedVersion!();
    expect(v2).not.toBe(v1);
    // A writer still open may or may not show (its id is listed once an older one ends); its commit always does.
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      await writer.query("BEGIN");
      await writer.query("INSERT INTO accounts (id) VALUES ('account-w')");
      const open1 = await a.committedVersion!();
      expect(await a.committedVersion!()).toBe(open1);
      await writer.query("COMMIT");
      expect(await a.committedVersion!()).not.toBe(open1);
    } finally {
      await writer.end();
    }
    // Calls made while a read is under way share the next read: it starts after they were made.
    const first = a.committedVersion!();
    const during = [a.committedVersion!(), a.committedVersion!()];
    expect(during[0]).toBe(during[1]);
    expect(during[0]).not.toBe(first);
    const [before] = await Promise.all([first, ...during]);
    await b.transact(async (tx) => {
      await tx.insert(schema.accounts).values({ id: "account-x" });
    });
    expect(await a.committedVersion!()).not.toBe(before);
  });

  it("refuses to open the database with a different key, and changes nothing", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "key");
    const first = await open(url);
    const { schema } = await freshProcess();
    await first.transact(async (tx) => {
      await tx.insert(schema.accounts).values({ id: "account-1" });
    });
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const metaBefore = await query(url, "SELECT * FROM meta");

    const second = await freshProcess(crypto.randomBytes(32).toString("base64"), url);
    const refused = await second.openPostgres(url).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(second.EncryptionKeyMismatchError);
    expect((refused as Error).message).toMatch(/The encryption key does not match this database \(PostgreSQL 127\.0\.0\.1:\d+\/key_/);
    expect((refused as Error).message).not.toContain("postgres://");
    expect(await query(url, "SELECT * FROM meta")).toEqual(metaBefore);

    // The right key still opens it.
    const third = await open(url);
    expect(await third.reader.select().from(schema.accounts)).toHaveLength(1);
  });

  it("refuses a database that has data but lost its check value", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "nocheck");
    const first = await open(url);
    const { schema } = await freshProcess();
    await first.transact(async (tx) => {
      await tx.insert(schema.accounts).values({ id: "account-1" });
      await tx.delete(schema.meta);
    });
    const again = await freshProcess();
    await expect(again.openPostgres(url)).rejects.toThrow(/key check value is missing/);
  });

  it("refuses a database with data when no key is given, and generates none", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "nokey");
    const first = await open(url);
    const { schema } = await freshProcess();
    await first.transact(async (tx) => {
      await tx.insert(schema.accounts).values({ id: "account-1" });
    });
    const dataDir = scratchDir("latchkey-unit-nokey-");
    const originalDataDir = process.env.DATA_DIR;
    process.env.DATA_DIR = dataDir;
    try {
      const again = await freshProcess("", url);
      // Replicas must share one key, so PostgreSQL without ENCRYPTION_KEY is refused before the database is even read.
      const { SharedSecretsMissingError } = await import("@/lib/crypto/keys");
      const refused = await again.openPostgres(url).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(SharedSecretsMissingError);
      expect((refused as Error).message).toMatch(/ENCRYPTION_KEY must be set/);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      process.env.DATA_DIR = originalDataDir;
    }
  });

  it("says which database it could not reach", async () => {
    const { openPostgres } = await freshProcess();
    const server = new URL(inject("postgresServerUrl"));
    server.pathname = "/no_such_database";
    await expect(openPostgres(server.href)).rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/no_such_database: .*does not exist/);
  });

  it("says where the password goes when the server asks for one that wasn't given (r45)", async () => {
    const { openPostgres } = await freshProcess();
    const server = await startPasswordAskingServer();
    const password = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      const opening = openPostgres(server.url);
      await expect(opening).rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/latchkey: the server asks for a password, and none was given: .*DATABASE_URL.*PGPASSWORD/);
    } finally {
      if (password !== undefined) process.env.PGPASSWORD = password;
      await server.close();
    }
  });

  it("serialises units of work across replicas: concurrent read-then-writes on two engines never race", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "lock");
    const [a, b] = [await open(url), await open(url)];
    const { schema } = await freshProcess();
    await a.transact(async (tx) => {
      await tx.insert(schema.meta).values({ key: "counter", value: "0" });
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).transact(async (tx) => {
          const [row] = await tx.select().from(schema.meta).where(eq(schema.meta.key, "counter"));
          await new Promise((resolve) => setTimeout(resolve, 2)); // room for the other replica to interleave
          await tx.update(schema.meta).set({ value: String(Number(row.value) + 1) }).where(eq(schema.meta.key, "counter"));
        }),
      ),
    );
    const [row] = await a.reader.select().from(schema.meta).where(eq(schema.meta.key, "counter"));
    expect(row.value).toBe("30");
  });

  it("stores times as epoch milliseconds (numbers in SQL, Date in JavaScript) and JSON as its text", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "values");
    const engine = await open(url);
    const { schema, raw } = await freshProcess();
    const expiresAt = new Date("2031-02-03T04:05:06.789Z");
    await engine.transact(async (tx) => {
      await tx.insert(schema.accounts).values({ id: "a1" });
      await tx.insert(schema.invites).values({
        id: "i1",
        accountId: "a1",
        emailCiphertext: "x",
        emailIndex: "e",
        nameCiphertext: "n",
        role: "user",
        autoGroups: ["g1", "g2"],
        tokenDigest: "d",
        expiresAt,
        createdBy: "u",
      });
    });
    const [invite] = await engine.reader.select().from(schema.invites);
    expect(invite.expiresAt).toEqual(expiresAt);
    expect(invite.autoGroups).toEqual(["g1", "g2"]);
    expect(invite.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(invite.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const stored = await raw.rows<{ expires_at: unknown; auto_groups: unknown; n: unknown }>(
      engine.reader,
      sql`SELECT expires_at, auto_groups, CAST(count(*) OVER () AS INTEGER) AS n FROM invites WHERE expires_at > ${Date.now()}`,
    );
    expect(stored).toEqual([{ expires_at: expiresAt.getTime(), auto_groups: '["g1","g2"]', n: 1 }]);
    // count(*) is bigint on PostgreSQL: read as a number too.
    expect(await raw.rows(engine.reader, sql`SELECT count(*) AS n FROM invites`)).toEqual([{ n: 1 }]);
  });

  it("keeps the activity log append-only, as SQLite's triggers do", async () => {
    const url = await createDatabaseOn(inject("postgresServerUrl"), "append");
    const engine = await open(url);
    const { schema, raw } = await freshProcess();
    const event = { id: "e1", accountId: "a1", occurredAt: new Date(), action: "x", actorType: "system" as const };
    await expect(engine.transact((tx) => tx.insert(schema.activityEvents).values(event))).rejects.toThrow();
    await engine.transact((tx) => tx.insert(schema.activityEvents).values({ ...event, seq: 1, prevHash: "p", hash: "h" }));
    const refusals = await Promise.all([
      engine.transact((tx) => tx.update(schema.activityEvents).set({ action: "y" })).catch((e: Error) => String(e.cause)),
      engine.transact((tx) => tx.delete(schema.activityEvents)).catch((e: Error) => String(e.cause)),
      engine.transact((tx) => raw.execute(tx, sql`TRUNCATE activity_events`)).catch((e: Error) => String(e.cause)),
    ]);
    expect(refusals).toEqual([
      expect.stringMatching(/activity events are append-only/),
      expect.stringMatching(/retention removes only the oldest/),
      expect.stringMatching(/retention removes only the oldest/),
    ]);
    expect(await engine.reader.select().from(schema.activityEvents)).toHaveLength(1);
  });
});
