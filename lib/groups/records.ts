/**
 * Reading group rows, always scoped to one account, and the one rule about
 * names: unique per account regardless of case (Unicode-aware, which SQLite's
 * NOCASE is not, so the comparison happens here, inside the write transaction).
 */
import "server-only";
import { and, count, eq } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/database";
import { groups, userGroups, type GroupRow } from "@/lib/db/schema";
import { Conflict, NotFound } from "@/lib/errors";

export const GROUP_NAME_TAKEN = "A group with this name already exists";

export type GroupRecord = { id: string; accountId: string; name: string; createdAt: Date; usersCount: number };

/** The form names are compared in: "Ops", " OPS" (after trimming) and "ops" are one name. */
export function groupNameKey(name: string): string {
  return name.normalize("NFKC").toLocaleLowerCase("en");
}

export async function findGroupRow(q: Db | Tx, accountId: string, groupId: string): Promise<GroupRow | undefined> {
  const [row] = await q
    .select()
    .from(groups)
    .where(and(eq(groups.accountId, accountId), eq(groups.id, groupId)))
    .limit(1);
  return row;
}

/** The group or NotFound; another account's id is "not found" too. */
export async function loadGroupRow(q: Db | Tx, accountId: string, groupId: string): Promise<GroupRow> {
  const row = await findGroupRow(q, accountId, groupId);
  if (!row) throw new NotFound("Group");
  return row;
}

export async function countMembers(q: Db | Tx, accountId: string, groupId: string): Promise<number> {
  // Drizzle's count() maps the result to a number (PostgreSQL's count is a bigint string otherwise).
  const [row] = await q
    .select({ n: count() })
    .from(userGroups)
    .where(and(eq(userGroups.accountId, accountId), eq(userGroups.groupId, groupId)));
  return row?.n ?? 0;
}

/** Member counts of every group of the account that has members. */
export async function memberCountsByGroup(q: Db | Tx, accountId: string): Promise<Map<string, number>> {
  const rows = await q
    .select({ groupId: userGroups.groupId, n: count() })
    .from(userGroups)
    .where(eq(userGroups.accountId, accountId))
    .groupBy(userGroups.groupId);
  return new Map(rows.map((r) => [r.groupId, r.n]));
}

/** Throws Conflict if another group of the account already has this name in any case: the name field's (forms say it there, the API in "errors"). */
export async function assertGroupNameFree(tx: Tx, accountId: string, name: string, exceptGroupId?: string): Promise<void> {
  const key = groupNameKey(name);
  const names = await tx.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.accountId, accountId));
  if (names.some((g) => g.id !== exceptGroupId && groupNameKey(g.name) === key)) throw new Conflict(GROUP_NAME_TAKEN, { name: [GROUP_NAME_TAKEN] });
}

export function toGroupRecord(row: GroupRow, usersCount: number): GroupRecord {
  return { id: row.id, accountId: row.accountId, name: row.name, createdAt: row.createdAt, usersCount };
}
