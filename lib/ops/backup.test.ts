import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { onSqlite } from "@/test/test-database";
import { scratchDir } from "@/test/scratch";

/*
 * A backup holds password hashes, token digests and sealed PII: no other user
 * on the machine may read it, not even while it is being written (a descriptor
 * opened on a world-readable file keeps reading after a later chmod): the
 * backup's file is mode 0600 from the moment it exists.
 */
const modesSeen = (dir: string, match: (name: string) => boolean) => {
  const seen: number[] = [];
  const watcher = fs.watch(dir, (_event, name) => {
    if (!name || !match(String(name))) return;
    try {
      seen.push(fs.statSync(path.join(dir, String(name))).mode & 0o777);
    } catch {
      // already renamed or removed
    }
  });
  return { seen, stop: () => watcher.close() };
};

/**
 * The watcher's events come after the writes that caused them: until the first has come (a fixed 50 ms could pass
 * first on a loaded host, leaving nothing seen), then a moment for any others queued behind it.
 */
const settle = async (seen: number[]) => {
  await expect.poll(() => seen.length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 50));
};

describe.runIf(onSqlite)("backup file", () => {
  it("is never readable by others, while written or after", async () => {
    process.umask(0o022);
    const factories = await import("@/test/factories");
    const { config } = await import("@/lib/config");
    const { closeDatabase } = await import("@/lib/db/database");
    const { takeBackup } = await import("./backup");
    const accountId = await factories.createAccount();
    for (let i = 0; i < 20; i++) await factories.createUser(accountId, { name: `Person ${i}`, email: `person${i}@example.com` });
    await closeDatabase();

    const dir = scratchDir("latchkey-backups-");
    const out = path.join(dir, "nightly.backup");
    const backupWatch = modesSeen(dir, (name) => name.startsWith("nightly.backup"));
    await takeBackup({ kind: "sqlite", file: config().databaseFile }, out, () => undefined);
    await settle(backupWatch.seen);
    backupWatch.stop();
    expect(backupWatch.seen.length).toBeGreaterThan(0);
    expect(backupWatch.seen.every((mode) => mode === 0o600), `modes seen: ${backupWatch.seen.map((m) => m.toString(8))}`).toBe(true);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  });
});

describe("a PostgreSQL that asks for a password none was given for (r45)", () => {
  it("says where the password goes, not node-postgres's 'client password must be a string', and writes no file", async () => {
    const { startPasswordAskingServer } = await import("@/test/password-asking-server");
    const { takeBackup } = await import("./backup");
    const server = await startPasswordAskingServer();
    const password = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    const out = path.join(scratchDir("backup-password"), "latchkey.backup");
    try {
      const taking = takeBackup({ kind: "postgres", url: server.url }, out, () => undefined);
      await expect(taking).rejects.toThrow(/cannot connect to PostgreSQL 127\.0\.0\.1:\d+\/latchkey: the server asks for a password, and none was given: put it in DATABASE_URL .* or in PGPASSWORD/);
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      if (password !== undefined) process.env.PGPASSWORD = password;
      await server.close();
    }
  });
});
