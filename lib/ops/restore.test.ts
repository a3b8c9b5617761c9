import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { onPostgres, onSqlite } from "@/test/test-database";
import { scratchDir } from "@/test/scratch";

/*
 * A restore whose checks after writing fail (here: an activity event changed in
 * the backup file, which only the keyed chain check can see) must not leave
 * what it wrote as the instance: the database it replaced comes back, and an
 * empty DATA_DIR stays without a database a start would open.
 */

/** Runs `change` on the backup file (opened writable), as someone with access to where backups are kept could. */
function editBackup(file: string, change: (sqlite: Database.Database) => void): void {
  const sqlite = new Database(file);
  try {
    change(sqlite);
  } finally {
    sqlite.close();
  }
}

/** Changes the account's first event in the backup file, leaving counts, heads and the SQLite file sound. */
function tamperFirstEvent(file: string): void {
  editBackup(file, (sqlite) => {
    const trigger = sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'activity_events_no_update'").get() as { sql: string };
    sqlite.exec("DROP TRIGGER activity_events_no_update");
    const changed = sqlite.prepare("UPDATE activity_events SET action = 'user.tampered' WHERE seq = 1").run();
    expect(changed.changes).toBeGreaterThan(0);
    sqlite.exec(trigger.sql);
  });
}

/** Rewrites the manifest without its seal, as a backup made before backups were sealed has it. */
function dropSeal(file: string): void {
  editBackup(file, (sqlite) => {
    const { manifest } = sqlite.prepare("SELECT manifest FROM latchkey_backup").get() as { manifest: string };
    const { seal: _seal, ...rest } = JSON.parse(manifest) as Record<string, unknown>;
    sqlite.prepare("UPDATE latchkey_backup SET manifest = ?").run(JSON.stringify(rest));
  });
}

/*
 * A restore is not a quick call: it copies every table, then opens the result as a start does. On PostgreSQL that
 * runs every migration again on the emptied schema (about 1.2 s of each restore here, 0.5 s more to open and check
 * it), so the running-server test (four restores) took 8.5-13 s with the host loaded, 32 s on average under load
 * 10, and crossed Vitest's default 20 s ("Test timed out in 20000ms"). Nothing in it polls or waits on a timer: the
 * restores are the wait. A test that restores gets this bound instead, generous for the slowest host; a restore
 * that hangs still fails the test, and every assertion is unchanged.
 */
const RESTORES = { timeout: 180_000 };

describe.runIf(onSqlite)("restore that fails its checks after writing", () => {
  it("puts the replaced database back and leaves no restored database behind", RESTORES, async () => {
    const factories = await import("@/test/factories");
    const { config } = await import("@/lib/config");
    const { closeDatabase } = await import("@/lib/db/database");
    const { takeBackup } = await import("./backup");
    const { restoreBackup } = await import("./restore");
    const { accountsWithEvents, verifyChain } = await import("@/lib/audit/verify");

    const accountId = await factories.createAccount();
    await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    await factories.createUser(accountId, { email: "bob@example.com", name: "Bob" });
    const { recordEvent } = await import("@/lib/audit/record");
    const { writeSystem } = await import("@/lib/data/unit-of-work");
    for (let i = 0; i < 3; i++) {
      await writeSystem((tx) => recordEvent(tx, { accountId, action: "test.event", actor: { type: "system", id: null, label: "Test" }, meta: factories.META }));
    }
    await closeDatabase();

    const { databaseFile, dataDir } = config();
    const out = path.join(scratchDir("latchkey-backups-"), "tampered.backup");
    await takeBackup({ kind: "sqlite", file: databaseFile }, out, () => undefined);
    // A backup from before backups were sealed (so only the checks after writing can see the change), restored with --allow-unsealed.
    tamperFirstEvent(out);
    dropSeal(out);

    await expect(restoreBackup(out, { force: true, allowUnsealed: true }, () => undefined)).rejects.toThrow(/activity chain does not verify/);

    // The instance is the one from before the restore, whole, and nothing was left set aside.
    expect(fs.readdirSync(dataDir).filter((f) => f.includes(".replaced-") || f.includes(".restoring-"))).toEqual([]);
    const reopened = await accountsWithEvents();
    expect(reopened).toContain(accountId);
    for (const id of reopened) expect((await verifyChain(id)).ok).toBe(true);
    await closeDatabase();

    // Into an empty DATA_DIR: no database stays there for a start to open.
    const empty = scratchDir("latchkey-unit-");
    const { restartWith } = await import("@/test/fresh-instance");
    await restartWith({ DATA_DIR: empty });
    const { restoreBackup: restoreAgain } = await import("./restore");
    await expect(restoreAgain(out, { force: false, allowUnsealed: true }, () => undefined)).rejects.toThrow(/activity chain does not verify/);
    expect(fs.readdirSync(empty).filter((f) => f.startsWith("latchkey.db"))).toEqual([]);
  });
});

/*
 * A backup taken while `npm run rotate-key` runs holds values under both keys,
 * while its key check (and so its manifest's key id) still names the old one.
 * Restored with the old key alone it used to "succeed" into an instance whose
 * rotated rows (emails and their blind indexes) no key it has can open: nobody
 * could sign in. Every key id the file's sealed values name must be given.
 */
describe.runIf(onSqlite)("restore of a backup taken during a key rotation", () => {
  it("is refused unless every key its values are sealed with is given, then restores with both", RESTORES, async () => {
    const crypto = await import("node:crypto");
    const { newDataDir, restartWith } = await import("@/test/fresh-instance");
    const K1 = crypto.randomBytes(32).toString("base64");
    const K2 = crypto.randomBytes(32).toString("base64");
    const source = newDataDir();
    await restartWith({ DATA_DIR: source, ENCRYPTION_KEY: K1, ENCRYPTION_KEY_PREVIOUS: "" });
    const factories = await import("@/test/factories");
    const accountId = await factories.createAccount();
    await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    for (let i = 0; i < 4; i++) await factories.createUser(accountId, { email: `person${i}@example.com`, name: `Person ${i}` });
    const k1Id = (await import("@/lib/crypto/keys")).keyRing().keyId;

    // The rotation to K2 stops after its first batch (as a kill -9 would): some emails are under K2, the check under K1.
    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 });
    const k2Id = (await import("@/lib/crypto/keys")).keyRing().keyId;
    const { rotateEncryptionKey } = await import("./key-rotation");
    await expect(rotateEncryptionKey({ batchSize: 2, crashAfterBatches: 1 })).rejects.toThrow(/simulated crash/);
    const { config } = await import("@/lib/config");
    const { closeDatabase } = await import("@/lib/db/database");
    await closeDatabase();
    const out = path.join(scratchDir("latchkey-backups-"), "mid-rotation.backup");
    const { takeBackup } = await import("./backup");
    const manifest = await takeBackup({ kind: "sqlite", file: config().databaseFile }, out, () => undefined);
    expect(manifest.key_id).toBe(k1Id);

    const target = newDataDir();
    await restartWith({ DATA_DIR: target, ENCRYPTION_KEY: K1, ENCRYPTION_KEY_PREVIOUS: "" });
    const refused = await import("./restore").then((m) => m.restoreBackup(out, { force: false }, () => undefined)).catch((err: Error) => err);
    const { BackupRefusedError } = await import("./backup-file");
    expect(refused).toBeInstanceOf(BackupRefusedError);
    expect((refused as Error).message).toContain(k2Id);
    expect(fs.readdirSync(target).filter((f) => f.startsWith("latchkey.db"))).toEqual([]);

    await restartWith({ ENCRYPTION_KEY: K1, ENCRYPTION_KEY_PREVIOUS: K2 });
    await (await import("./restore")).restoreBackup(out, { force: false }, () => undefined);
    const { findUserRowsByEmail, openIdentity } = await import("@/lib/users/records");
    const { db } = await import("@/lib/db/database");
    for (let i = 0; i < 4; i++) {
      const [row] = await findUserRowsByEmail(db(), `person${i}@example.com`);
      expect(openIdentity(row).email).toBe(`person${i}@example.com`);
    }
  });
});

/*
 * Whoever can write where backups are kept, without the key, must not be able
 * to change what a restore brings back: the owner's password hash is not
 * encrypted and no activity chain covers it, so a changed one would hand them
 * the instance after a restore. The backup is sealed under the key; a changed
 * file, or one whose seal was removed, is refused before anything is written.
 */
describe.runIf(onSqlite)("restore of a changed backup", () => {
  it("refuses a backup whose content or manifest was changed, or whose seal was removed", RESTORES, async () => {
    const { newDataDir, restartWith } = await import("@/test/fresh-instance");
    await restartWith({ DATA_DIR: newDataDir() });
    const factories = await import("@/test/factories");
    const accountId = await factories.createAccount();
    const owner = await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    const { config } = await import("@/lib/config");
    await (await import("@/lib/db/database")).closeDatabase();
    const dir = scratchDir("latchkey-backups-");
    const { takeBackup } = await import("./backup");
    const take = async (name: string) => {
      const file = path.join(dir, name);
      await takeBackup({ kind: "sqlite", file: config().databaseFile }, file, () => undefined);
      return file;
    };
    const { hashPassword } = await import("@/lib/crypto/passwords");
    const attackersHash = await hashPassword("the attacker's own passphrase");
    const changes: Record<string, (sqlite: Database.Database) => void> = {
      "owner's password hash": (sqlite) => sqlite.prepare("UPDATE users SET password_hash = ? WHERE id = ?").run(attackersHash, owner.id),
      "a trigger added": (sqlite) => sqlite.exec("CREATE TRIGGER promote AFTER INSERT ON sessions BEGIN UPDATE users SET role = 'owner'; END"),
      "the manifest's date": (sqlite) => {
        const { manifest } = sqlite.prepare("SELECT manifest FROM latchkey_backup").get() as { manifest: string };
        sqlite.prepare("UPDATE latchkey_backup SET manifest = ?").run(manifest.replace(/"created_at":"[^"]+"/, '"created_at":"2020-01-01T00:00:00.000Z"'));
      },
    };

    const target = newDataDir();
    await restartWith({ DATA_DIR: target });
    const { restoreBackup } = await import("./restore");
    const { BackupRefusedError } = await import("./backup-file");
    for (const [what, change] of Object.entries(changes)) {
      const file = await take(`${what}.backup`);
      editBackup(file, change);
      const refused = await restoreBackup(file, { force: false }, () => undefined).catch((err: Error) => err);
      expect(refused, what).toBeInstanceOf(BackupRefusedError);
      expect((refused as Error).message, what).toMatch(/was changed after it was taken.*Nothing was written\./);
      expect(fs.readdirSync(target).filter((f) => f.startsWith("latchkey.db")), what).toEqual([]);
    }

    const unsealed = await take("unsealed.backup");
    dropSeal(unsealed);
    await expect(restoreBackup(unsealed, { force: false }, () => undefined)).rejects.toThrow(/carries no seal.*--allow-unsealed/);
    expect(fs.readdirSync(target).filter((f) => f.startsWith("latchkey.db"))).toEqual([]);

    // Unchanged, it restores.
    const whole = await take("whole.backup");
    await expect(restoreBackup(whole, { force: false }, () => undefined)).resolves.toMatchObject({ manifest: { seal: { hmac: expect.any(String) } } });
  });
});

describe.runIf(onPostgres)("backup of PostgreSQL, sealed", () => {
  it("restores into a new database, and is refused once changed", RESTORES, async () => {
    const factories = await import("@/test/factories");
    const accountId = await factories.createAccount();
    const owner = await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    const { takeBackup } = await import("./backup");
    const dir = scratchDir("latchkey-backups-");
    const whole = path.join(dir, "whole.backup");
    const manifest = await takeBackup({ kind: "postgres", url: process.env.DATABASE_URL as string }, whole, () => undefined);
    expect(manifest.seal?.key_id).toBe((await import("@/lib/crypto/keys")).keyRing().keyId);
    const changed = path.join(dir, "changed.backup");
    fs.copyFileSync(whole, changed);
    editBackup(changed, (sqlite) => sqlite.prepare("UPDATE users SET role = 'user' WHERE id = ?").run(owner.id));

    const { newDataDir, restartWith } = await import("@/test/fresh-instance");
    await restartWith({ DATA_DIR: newDataDir() });
    // restartWith opened the new, empty database; restore opens it itself.
    await (await import("@/lib/db/database")).closeDatabase();
    const { restoreBackup } = await import("./restore");
    await expect(restoreBackup(changed, { force: false }, () => undefined)).rejects.toThrow(/was changed after it was taken/);
    await expect(restoreBackup(whole, { force: true }, () => undefined)).resolves.toMatchObject({ events: expect.any(Number) });
  });
});

/*
 * A restore under a running server corrupts the SQLite file it has open, or empties and refills the
 * PostgreSQL database it serves from: --force replaced the data all the same. Now a fresh server
 * heartbeat (lib/data/heartbeat.ts) in the target refuses it, --force or not, unless
 * --ignore-running-server; one that expired (the server died) or was removed (it stopped) doesn't.
 */
describe("restore while a server runs on the target", () => {
  it("is refused when another process's heartbeat is fresh, even with --force; a stale or ended heartbeat, or --ignore-running-server, lets it run", RESTORES, async () => {
    const factories = await import("@/test/factories");
    const { config } = await import("@/lib/config");
    const { closeDatabase, openDatabase } = await import("@/lib/db/database");
    const { beat, endHeartbeat, SERVER_HEARTBEAT } = await import("@/lib/data/heartbeat");
    const { takeBackup } = await import("./backup");
    const { restoreBackup } = await import("./restore");
    // The test before may have closed it (a restore closes what it opened).
    await openDatabase();
    const accountId = await factories.createAccount();
    await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    const url = config().databaseUrl;
    const file = path.join(scratchDir("latchkey-backups-"), "live.backup");

    /** Another server process beats at `now`, then this "restore process" lets go of the database. */
    const serverBeats = async (now: Date) => {
      await openDatabase();
      await beat({ holder: "another-server", now });
      await closeDatabase();
    };
    const quiet = () => undefined;

    // A backup taken while that server runs (its heartbeat stays behind: it is the source's, not the data's).
    await serverBeats(new Date());
    await takeBackup(url ? { kind: "postgres", url } : { kind: "sqlite", file: config().databaseFile }, file, () => undefined);

    // It beats on (the backup, under load, mustn't outlast the heartbeat's 90 s and turn this into a stale one).
    await serverBeats(new Date());
    const filesBefore = url ? [] : fs.readdirSync(config().dataDir).sort();
    await expect(restoreBackup(file, { force: true }, quiet)).rejects.toThrow(
      /^A Latchkey server is running on .* \(its last heartbeat is \d+ s old\): stop every server on it first, then restore \(if none runs, wait 90 s or add --ignore-running-server\)\. Nothing was written\.$/,
    );
    // Nothing was written: the account is still there (and, on SQLite, nothing was set aside).
    await openDatabase();
    const { accounts } = await import("@/lib/db/schema");
    const { db } = await import("@/lib/db/database");
    expect((await db().select().from(accounts)).map((a) => a.id)).toContain(accountId);
    await closeDatabase();
    if (!url) expect(fs.readdirSync(config().dataDir).filter((f) => !filesBefore.includes(f))).toEqual([]);

    // A server that died longer ago than the heartbeat lasts: the restore runs.
    await serverBeats(new Date(Date.now() - SERVER_HEARTBEAT.ttlMs - 1_000));
    await expect(restoreBackup(file, { force: true }, quiet)).resolves.toMatchObject({ events: expect.any(Number) });
    // What it restored holds no heartbeat of the backup's source: restoring again at once runs too.
    await expect(restoreBackup(file, { force: true }, quiet)).resolves.toMatchObject({ events: expect.any(Number) });

    // A fresh heartbeat again, and the operator's word that no server runs.
    await serverBeats(new Date());
    await expect(restoreBackup(file, { force: true, ignoreRunningServer: true }, quiet)).resolves.toMatchObject({ events: expect.any(Number) });

    // A server that stopped gracefully (this process, playing one) removed its heartbeat: no wait.
    await openDatabase();
    await beat();
    // A beat under way as the stop begins doesn't write the row back after it.
    const beating = beat();
    await endHeartbeat();
    await beating;
    await beat(); // a timer that fires during the stop writes nothing
    await closeDatabase();
    await expect(restoreBackup(file, { force: true }, quiet)).resolves.toMatchObject({ events: expect.any(Number) });
    await openDatabase();
  });
});

/*
 * A restore killed part-way (SIGKILL, power lost: review 18) after --force set the old database aside and
 * before its copy took the name leaves DATA_DIR with the key, the set-aside files and the staged copy, and no
 * latchkey.db. A start there used to create a new, empty instance (its /setup open to whoever came first);
 * now it stops and says what to do, and running the restore again finishes the job.
 */
describe.runIf(onSqlite)("restore killed part-way", () => {
  it("a start refuses the half-restored DATA_DIR and creates nothing; the restore run again finishes it", RESTORES, async () => {
    const factories = await import("@/test/factories");
    const { config } = await import("@/lib/config");
    const { closeDatabase } = await import("@/lib/db/database");
    const { takeBackup } = await import("./backup");
    const accountId = await factories.createAccount();
    await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    await closeDatabase();
    const { databaseFile, dataDir } = config();
    const out = path.join(scratchDir("latchkey-backups-"), "whole.backup");
    await takeBackup({ kind: "sqlite", file: databaseFile }, out, () => undefined);

    // What the killed run left: the old database set aside, its staged copy not yet renamed.
    for (const suffix of ["", "-wal", "-shm"]) {
      if (fs.existsSync(databaseFile + suffix)) fs.renameSync(databaseFile + suffix, `${databaseFile}${suffix}.replaced-2026-12-06T00-00-00-000Z`);
    }
    fs.copyFileSync(out, `${databaseFile}.restoring-4242`);
    const { restartWith } = await import("@/test/fresh-instance");
    await restartWith({ DATA_DIR: dataDir });
    const { openDatabase } = await import("@/lib/db/database");
    const { DatabaseStartError } = await import("@/lib/db/engine");
    const refused = await openDatabase().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DatabaseStartError);
    expect((refused as Error).message).toMatch(/latchkey\.db is missing, but .* holds .*latchkey\.db\.(restoring|replaced)-.*: a restore did not finish\. Run the restore again/);
    expect(fs.existsSync(databaseFile)).toBe(false);

    await restartWith({ DATA_DIR: dataDir });
    const { restoreBackup } = await import("./restore");
    await restoreBackup(out, { force: false }, () => undefined);
    await restartWith({ DATA_DIR: dataDir });
    const { db } = await import("@/lib/db/database");
    const { accounts } = await import("@/lib/db/schema");
    expect((await db().select({ id: accounts.id }).from(accounts)).map((a) => a.id)).toContain(accountId);
  });
});

/*
 * r45 made a PostgreSQL that asks for a password nobody gave say where the password goes (connectOrRefuse,
 * lib/ops/backup-file.ts) instead of node-postgres's "client password must be a string"; the restore's side of it
 * was checked by hand only. The backup is good; the target asks for a password; nothing reaches it.
 */
describe("restore into a PostgreSQL that asks for a password none was given for", () => {
  it("says where the password goes and writes nothing", RESTORES, async () => {
    const { config } = await import("@/lib/config");
    const { takeBackup } = await import("./backup");
    const factories = await import("@/test/factories");
    await factories.createUser(await factories.createAccount(), { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    const source = config().databaseUrl ? { kind: "postgres" as const, url: config().databaseUrl as string } : { kind: "sqlite" as const, file: config().databaseFile };
    const out = path.join(scratchDir("latchkey-backups-"), "whole.backup");
    await takeBackup(source, out, () => undefined);
    await (await import("@/lib/db/database")).closeDatabase();

    const { startPasswordAskingServer } = await import("@/test/password-asking-server");
    const server = await startPasswordAskingServer();
    const saved = { url: process.env.DATABASE_URL, password: process.env.PGPASSWORD };
    delete process.env.PGPASSWORD;
    process.env.DATABASE_URL = server.url;
    vi.resetModules();
    try {
      const { restoreBackup } = await import("./restore");
      const lines: string[] = [];
      await expect(restoreBackup(out, { force: true }, (line) => lines.push(line))).rejects.toThrow(
        /cannot connect to PostgreSQL 127\.0\.0\.1:\d+\/latchkey: the server asks for a password, and none was given: put it in DATABASE_URL .* or in PGPASSWORD/,
      );
      expect(lines.join("\n")).not.toMatch(/emptying|Restored into/);
    } finally {
      if (saved.url === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved.url;
      if (saved.password !== undefined) process.env.PGPASSWORD = saved.password;
      vi.resetModules();
      await server.close();
    }
  });
});
