import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { scratchDir } from "@/test/scratch";

/*
 * Review 24: the backup a year-old instance took before its upgrade, restored by today's Latchkey. The
 * backup of an earlier version holds that version's schema (fewer migrations). Into SQLite the restored
 * file is migrated as a start migrates it; into PostgreSQL the rows were read with today's schema, so a
 * backup from before the newest migration was refused with SQLite's "no such column" (and with --force
 * the target's data was already dropped). Now it restores into either dialect, and what the migrations
 * do to old rows (0021 forgets sessions' client addresses kept in the clear) happens on both.
 *
 * The earlier backup is built from the committed migrations up to that version (drizzle/sqlite's
 * journal cut there), the rows of a backup of today's instance copied into the columns it had, then
 * described and sealed as `npm run backup` does.
 */

/** drizzle/sqlite as it was when the instance had its first `count` migrations. */
function migrationsUpTo(count: number): string {
  const dir = scratchDir("latchkey-migrations-");
  fs.cpSync(path.join(process.cwd(), "drizzle", "sqlite"), dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: unknown[] };
  expect(journal.entries.length).toBeGreaterThan(count);
  fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return dir;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `current` (a backup file of today's schema) as a backup taken by the version that had `count` migrations. */
async function asEarlierBackup(current: string, out: string, count: number, change: (sqlite: Database.Database) => void): Promise<void> {
  const { tablesInCopyOrder } = await import("@/lib/db/copy-to-postgres");
  const { describe: describeBackup, MANIFEST_TABLE, writeManifest } = await import("./backup-file");
  const { sealBackup } = await import("./backup-seal");
  const sqlite = new Database(out);
  try {
    migrate(drizzle(sqlite), { migrationsFolder: migrationsUpTo(count) });
    sqlite.prepare("ATTACH DATABASE ? AS today").run(current);
    const columnsOf = (schema: string, table: string) =>
      (sqlite.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema) as Array<{ name: string }>).map((c) => c.name);
    sqlite.transaction(() => {
      for (const { name } of tablesInCopyOrder()) {
        const earlier = columnsOf("main", name);
        if (earlier.length === 0) continue;
        const shared = columnsOf("today", name).filter((c) => earlier.includes(c)).map(quoted).join(", ");
        sqlite.exec(`INSERT INTO main.${quoted(name)} (${shared}) SELECT ${shared} FROM today.${quoted(name)} ORDER BY rowid`);
      }
    })();
    sqlite.exec("DETACH DATABASE today");
    change(sqlite);
    sqlite.pragma("journal_mode = DELETE");
    const described = describeBackup(sqlite, "sqlite");
    writeManifest(sqlite, { ...described, seal: sealBackup(sqlite, MANIFEST_TABLE, described) });
  } finally {
    sqlite.close();
  }
}

describe("restore of a backup taken by an earlier version", () => {
  it("restores into an empty database of either dialect, migrated as a start would, old sessions' addresses forgotten", async () => {
    const factories = await import("@/test/factories");
    const { config } = await import("@/lib/config");
    const { closeDatabase, openDatabase } = await import("@/lib/db/database");
    await openDatabase();
    const accountId = await factories.createAccount();
    const owner = await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
    await factories.createUser(accountId, { email: "bob@example.com", name: "Bob Builder" });
    await factories.startSession(owner);
    const url = config().databaseUrl;
    const dir = scratchDir("latchkey-backups-");
    const today = path.join(dir, "today.backup");
    const { takeBackup } = await import("./backup");
    await takeBackup(url ? { kind: "postgres", url } : { kind: "sqlite", file: config().databaseFile }, today, () => undefined);
    await closeDatabase();

    // The schema of 329f4f83 (review 12's merge): 20 of today's 22 SQLite migrations (before 0020_session_sign_in_method and
    // 0021_sealed_client_addresses), which kept a session's client address and user agent in the clear.
    const { sqliteJournal } = await import("./backup-file");
    const earlierCount = sqliteJournal().findIndex((m) => m.tag === "0020_session_sign_in_method");
    expect(earlierCount).toBe(20);
    const earlier = path.join(dir, "earlier.backup");
    await asEarlierBackup(today, earlier, earlierCount, (sqlite) => {
      expect(sqlite.prepare("UPDATE sessions SET ip = '198.51.100.23', user_agent = 'Firefox/120'").run().changes).toBe(1);
    });

    const { newDataDir, restartWith } = await import("@/test/fresh-instance");
    await restartWith({ DATA_DIR: newDataDir() });
    await (await import("@/lib/db/database")).closeDatabase();
    const { restoreBackup } = await import("./restore");
    // (A new test database on PostgreSQL holds its key check: --force, as the PostgreSQL test above.)
    const restored = await restoreBackup(earlier, { force: true }, () => undefined);
    expect(restored.manifest.schema_version).toBe(earlierCount);

    await (await import("@/lib/db/database")).openDatabase();
    const { findUserRowsByEmail, openIdentity } = await import("@/lib/users/records");
    const fresh = (await import("@/lib/db/database")).db();
    for (const [email, name] of [["olive@example.com", "Olive Owner"], ["bob@example.com", "Bob Builder"]]) {
      const [row] = await findUserRowsByEmail(fresh, email);
      expect(openIdentity(row)).toMatchObject({ email, name });
    }
    const { sessions } = await import("@/lib/db/schema");
    expect(await fresh.select({ ip: sessions.ip, userAgent: sessions.userAgent, method: sessions.signInMethod }).from(sessions)).toEqual([
      { ip: null, userAgent: null, method: null },
    ]);
    const { appliedMigrations, shippedMigrations } = await import("@/lib/db/schema-version");
    const dialect = url ? "postgres" : "sqlite";
    expect(await appliedMigrations(fresh, dialect)).toBe(shippedMigrations(dialect));
  });
});
