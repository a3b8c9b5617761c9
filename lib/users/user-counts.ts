/**
 * How many users each account has, people and service users apart, kept in
 * the database (user_counts) so that a list's total is one primary-key read
 * instead of counting the account's users: at 100,000 users that count reads
 * 100,000 index entries (about 5 ms) on every Team → Users page.
 *
 * Every path that inserts a user calls countUserAdded, and every path that
 * deletes one calls countUserRemoved, in the same unit of work, so a
 * rolled-back create counts nothing. Writes are serialised (SQLite's
 * immediate transaction, PostgreSQL's write lock), so +1/-1 cannot race.
 * A missing row means "not counted": the first insert after an upgrade starts
 * it from a count of the table, and readers count the table meanwhile.
 * Every start recounts (recountUsers), which also repairs rows that anything
 * writing users behind the service's back (a seeding script) left wrong.
 */
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { unitOf, writeSystem } from "@/lib/data/unit-of-work";
import type { Db, Tx } from "@/lib/db/database";
import { perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { accounts, userCounts, users } from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema.pg";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

function counted(accountId: string, isServiceUser: boolean) {
  return and(eq(userCounts.accountId, accountId), eq(userCounts.isServiceUser, isServiceUser));
}

async function countTable(q: Db | Tx, accountId: string, isServiceUser: boolean): Promise<number> {
  const [row] = await q
    .select({ n: sql<number | string>`CAST(count(*) AS INTEGER)` })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.isServiceUser, isServiceUser)));
  return Number(row?.n ?? 0);
}

// One statement per kind of user (the flag is part of the SQL, so a placeholder needs no boolean), kept per tx (lib/db/prepared.ts).
const addOne = perTransactionBy(
  (tx, isServiceUser: boolean) =>
    tx
      .update(userCounts)
      .set({ count: sql`${userCounts.count} + 1` })
      .where(and(eq(userCounts.accountId, sql.placeholder("accountId")), eq(userCounts.isServiceUser, isServiceUser)))
      .returning({ count: userCounts.count })
      .prepare() as unknown as PreparedRows<{ count: number }>,
);

/**
 * On PostgreSQL the +1 can ride on the user's insert, as a data-modifying CTE of it (lib/users/lifecycle.ts
 * insertUser: one round trip fewer per create): this UPDATE, named `user_added`, with the account's id as the
 * placeholder "accountId". Its rows say whether the account was counted already; countUserAdded is then told.
 */
export function userAddedCte(tx: Tx, isServiceUser: boolean) {
  const pgTx = tx as unknown as PgDatabase<PgQueryResultHKT>;
  return pgTx.$with("user_added").as(
    pgTx
      .update(pgSchema.userCounts)
      .set({ count: sql`${pgSchema.userCounts.count} + 1` })
      .where(and(eq(pgSchema.userCounts.accountId, sql.placeholder("accountId")), eq(pgSchema.userCounts.isServiceUser, isServiceUser)))
      .returning({ count: pgSchema.userCounts.count }),
  );
}

/**
 * A user was inserted in this unit of work (call after the insert). `addedWithInsert`: the insert carried the +1
 * (userAddedCte), and whether it found the account's count to move.
 */
export async function countUserAdded(tx: Tx, accountId: string, isServiceUser: boolean, addedWithInsert?: { moved: boolean }): Promise<void> {
  unitOf(tx);
  if (addedWithInsert ? addedWithInsert.moved : (await addOne(tx, isServiceUser).execute({ accountId })).length > 0) return;
  // Not counted yet: start from the table, which holds this user already. The other kind's row too (an account
  // set up after this process started has neither): without it, every list of both kinds counted the table.
  await tx.insert(userCounts).values({ accountId, isServiceUser, count: await countTable(tx, accountId, isServiceUser) });
  await tx
    .insert(userCounts)
    .values({ accountId, isServiceUser: !isServiceUser, count: await countTable(tx, accountId, !isServiceUser) })
    .onConflictDoNothing();
}

/** A user was deleted in this unit of work. */
export async function countUserRemoved(tx: Tx, accountId: string, isServiceUser: boolean): Promise<void> {
  unitOf(tx);
  await tx
    .update(userCounts)
    .set({ count: sql`${userCounts.count} - 1` })
    .where(counted(accountId, isServiceUser));
}

/**
 * The account's users (people or service users, or both when undefined), or
 * null when not counted yet: the caller counts the table then.
 */
export async function storedUserCount(q: Db, accountId: string, isServiceUser: boolean | undefined): Promise<number | null> {
  const found = await q
    .select({ isServiceUser: userCounts.isServiceUser, count: userCounts.count })
    .from(userCounts)
    .where(isServiceUser === undefined ? eq(userCounts.accountId, accountId) : counted(accountId, isServiceUser));
  const wanted = isServiceUser === undefined ? 2 : 1;
  if (found.length < wanted) return null;
  return found.reduce((sum, row) => sum + Number(row.count), 0);
}

/** Recounts every account's users (at start): both rows per account, zero included. */
export async function recountUsers(): Promise<void> {
  await writeSystem(async (tx) => {
    const actual = await tx
      .select({ accountId: users.accountId, isServiceUser: users.isServiceUser, n: sql<number | string>`CAST(count(*) AS INTEGER)` })
      .from(users)
      .groupBy(users.accountId, users.isServiceUser);
    const byKey = new Map(actual.map((r) => [`${r.accountId}/${r.isServiceUser}`, Number(r.n)]));
    const stored = await tx.select().from(userCounts);
    const have = new Map(stored.map((r) => [`${r.accountId}/${r.isServiceUser}`, Number(r.count)]));
    for (const { id } of await tx.select({ id: accounts.id }).from(accounts)) {
      for (const isServiceUser of [false, true]) {
        const key = `${id}/${isServiceUser}`;
        const n = byKey.get(key) ?? 0;
        if (have.get(key) === n) continue;
        if (have.has(key)) await tx.update(userCounts).set({ count: n }).where(counted(id, isServiceUser));
        else await tx.insert(userCounts).values({ accountId: id, isServiceUser, count: n });
      }
    }
  });
}
