/** Kept pages of the users list (./list-cache.ts): reused only while nothing was committed, by any connection. */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { dialect } from "@/lib/db/database";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { setUserBlocked } from "./lifecycle";
import { listUsers, userFiltersSchema } from "./queries";
import { SAMPLE_MS } from "@/lib/db/sqlite-committed-version";

describe("the users list's kept pages", () => {
  it("gives the same page while nothing changed, and what the database holds after any commit (this process or another)", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { email: "owner@kept.example", name: "Kept Owner", role: "owner" });
    const member = await createUser(accountId, { email: "member@kept.example", name: "Kept Member", role: "user" });
    const actor = await startSession(owner);
    const page = () => listUsers(actor, userFiltersSchema.parse({ limit: "25" }));
    const first = await page();
    expect(first.items.map((u) => u.id)).toEqual([owner.id, member.id]);
    // Nothing written since: on SQLite the very same (frozen) page; on PostgreSQL read again, equal.
    const again = await page();
    expect(again).toEqual(first);
    if (dialect() === "sqlite") {
      expect(again).toBe(first);
      expect(Object.isFrozen(again.items[0])).toBe(true);
    }
    // A change through the service (this process's writer).
    await setUserBlocked(actor, member.id, true, META);
    expect((await page()).items.find((u) => u.id === member.id)?.isBlocked).toBe(true);
    // A change by another connection (another process, a CLI command) on the same file.
    if (dialect() === "sqlite") {
      const other = new Database(config().databaseFile);
      other.prepare("UPDATE users SET is_blocked = 0 WHERE id = ?").run(member.id);
      other.close();
      // Another process's commit reaches the cache within SAMPLE_MS (lib/db/sqlite-committed-version.ts).
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS + 1));
    } else {
      await setUserBlocked(actor, member.id, false, META);
    }
    expect((await page()).items.find((u) => u.id === member.id)?.isBlocked).toBe(false);
    // A new user counts at once.
    const added = await createUser(accountId, { email: "late@kept.example", name: "Late", role: "user" });
    const after = await page();
    expect(after.total).toBe(3);
    expect(after.items.map((u) => u.id)).toEqual([owner.id, member.id, added.id]);
  });

  it("keeps a whole list (no limit) of up to 100 too, and reads a longer one each time", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { email: "owner@whole.example", name: "Whole Owner", role: "owner" });
    const actor = await startSession(owner);
    const whole = () => listUsers(actor, userFiltersSchema.parse({}));
    const first = await whole();
    expect(first.items.map((u) => u.id)).toEqual([owner.id]);
    if (dialect() === "sqlite") expect(await whole()).toBe(first);
    // Whatever is written, the next whole list is what the database holds.
    const added = await createUser(accountId, { email: "added@whole.example", name: "Added", role: "user" });
    expect((await whole()).items.map((u) => u.id)).toEqual([owner.id, added.id]);
    for (let i = 0; i < 100; i++) await createUser(accountId, { email: `many${i}@whole.example`, name: `Many ${i}`, role: "user" });
    const long = await whole();
    expect(long.items).toHaveLength(102);
    const longAgain = await whole();
    expect(longAgain).not.toBe(long);
    expect(Object.isFrozen(longAgain)).toBe(false);
  });
});
