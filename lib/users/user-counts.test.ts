/**
 * The stored users per account (./user-counts.ts) that list totals read: they
 * move with every create and delete in the same unit of work, a create that
 * fails counts nothing, an account not counted yet starts from its table, and
 * a start repairs whatever was written around the service. (Search totals
 * that use them: lib/users/list-query.test.ts, the walk over thousands of
 * candidates.)
 */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { userCounts, users } from "@/lib/db/schema";
import { Conflict } from "@/lib/errors";
import { createAccount, createUser as createTestUser, META, startSession } from "@/test/factories";
import { addPeople, newAccount } from "@/test/search-fixtures";
import { createUser, deleteUser } from "./lifecycle";
import { queryUserRows } from "./list-query";
import "./search-source";
import { recountUsers, storedUserCount } from "./user-counts";

const HASH = async () => "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

async function tableCount(accountId: string, isServiceUser?: boolean): Promise<number> {
  const where = isServiceUser === undefined ? eq(users.accountId, accountId) : and(eq(users.accountId, accountId), eq(users.isServiceUser, isServiceUser));
  const [row] = await db().select({ n: sql<number | string>`CAST(count(*) AS INTEGER)` }).from(users).where(where);
  return Number(row.n);
}

async function listedTotal(accountId: string, meId: string, serviceUser?: boolean): Promise<number> {
  return (await queryUserRows({ accountId, meId, sees: { people: true, serviceUsers: true }, serviceUser, offset: 0, limit: 5 })).total;
}

async function expectCountsRight(accountId: string, meId: string): Promise<void> {
  for (const kind of [false, true, undefined]) {
    expect({ kind, stored: await storedUserCount(db(), accountId, kind) }).toEqual({ kind, stored: await tableCount(accountId, kind) });
    expect({ kind, listed: await listedTotal(accountId, meId, kind) }).toEqual({ kind, listed: await tableCount(accountId, kind) });
  }
}

describe("users per account (user_counts)", () => {
  it("move with every create and delete, and a failed create counts nothing", async () => {
    const accountId = await createAccount();
    const owner = await createTestUser(accountId, { role: "owner", email: "owner@counts.example" });
    const actor = await startSession(owner);
    expect(await storedUserCount(db(), accountId, false)).toBe(1);
    // No service user yet: counted as none with the first person, so no list counts the table.
    expect(await storedUserCount(db(), accountId, true)).toBe(0);
    expect(await storedUserCount(db(), accountId, undefined)).toBe(1);
    expect(await listedTotal(accountId, owner.id, true)).toBe(0);

    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { user } = await createUser(actor, { is_service_user: false, email: `p${i}@counts.example`, name: `Person ${i}`, role: "user", auto_groups: [] }, META, HASH);
      made.push(user.id);
    }
    for (let i = 0; i < 2; i++) {
      const { user } = await createUser(actor, { is_service_user: true, name: `Robot ${i}`, role: "user", auto_groups: [] }, META, HASH);
      made.push(user.id);
    }
    expect(await storedUserCount(db(), accountId, false)).toBe(4);
    expect(await storedUserCount(db(), accountId, true)).toBe(2);
    await expectCountsRight(accountId, owner.id);

    // Refused inside the unit of work (the email is taken): rolled back, the count with it.
    await expect(
      createUser(actor, { is_service_user: false, email: "p0@counts.example", name: "Again", role: "user", auto_groups: [] }, META, HASH),
    ).rejects.toBeInstanceOf(Conflict);
    expect(await storedUserCount(db(), accountId, false)).toBe(4);

    await deleteUser(actor, made[0], META);
    await deleteUser(actor, made[4], META);
    expect(await storedUserCount(db(), accountId, false)).toBe(3);
    expect(await storedUserCount(db(), accountId, true)).toBe(1);
    await expectCountsRight(accountId, owner.id);
  });

  it("start from the table when not counted yet, and a start recounts what was written around them", async () => {
    // Rows written straight into the table (as before user_counts existed): nothing stored, the lists count.
    const accountId = await newAccount();
    await addPeople(accountId, [1, 2, 3, 4, 5].map((i) => ({ name: `Old ${i}`, email: `old${i}@counts.example` })));
    expect(await storedUserCount(db(), accountId, false)).toBeNull();
    expect(await listedTotal(accountId, "nobody", false)).toBe(5);
    // The first counted insert starts from the table, itself included.
    const owner = await createTestUser(accountId, { role: "owner" });
    expect(await storedUserCount(db(), accountId, false)).toBe(6);
    // And the other kind's row with it (none yet), so a list of both kinds reads the stored counts too.
    expect(await storedUserCount(db(), accountId, true)).toBe(0);
    expect(await storedUserCount(db(), accountId, undefined)).toBe(6);

    await writeSystem((tx) => tx.update(userCounts).set({ count: 999 }).where(eq(userCounts.accountId, accountId)));
    await recountUsers();
    expect(await storedUserCount(db(), accountId, false)).toBe(6);
    expect(await storedUserCount(db(), accountId, true)).toBe(0);
    await expectCountsRight(accountId, owner.id);
  });
});
