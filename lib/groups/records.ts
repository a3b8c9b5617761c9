/**
 * Reading group rows, always scoped to one account, and the one rule about
 * names: unique per account regardless of case (Unicode-aware, which SQLite's
 * NOCASE is not, so the comparison happens here, inside the write transaction).
 */
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/client";
import { groups, userGroups, type GroupRow } from "@/lib/db/schema";
import { Conflict, NotFound } from "@/lib/errors";

export const GROUP_NAME_TAKEN = "A group with this name already exists";

export type GroupRecord = { id: string; accountId: string; name: string; createdAt: Date; usersCount: number };

/** The form names are compared in: "Ops", " OPS" (after trimming) and "ops" are one name. */
export function groupNameKey(name: string): string {
  return name.normalize("NFKC").toLocaleLowerCase("en");
}

export function findGroupRow(q: Db | Tx, accountId: string, groupId: string): GroupRow | undefined {
  return q
    .select()
    .from(groups)
    .where(and(eq(groups.accountId, accountId), eq(groups.id, groupId)))
    .get();
}

/** The group or NotFound; another account's id is "not found" too. */
export function loadGroupRow(q: Db | Tx, accountId: string, groupId: string): GroupRow {
  const row = findGroupRow(q, accountId, groupId);
  if (!row) throw new NotFound("Group");
  return row;
}

export function countMembers(q: Db | Tx, accountId: string, groupId: string): number {
  const row = q
    .select({ n: sql<number>`count(*)` })
    .from(userGroups)
    .where(and(eq(userGroups.accountId, accountId), eq(userGroups.groupId, groupId)))
    .get();
  return row?.n ?? 0;
}

/** Member counts of every group of the account that has members. */
export function memberCountsByGroup(q: Db | Tx, accountId: string): Map<string, number> {
  const rows = q
    .select({ groupId: userGroups.groupId, n: sql<number>`count(*)` })
    .from(userGroups)
    .where(eq(userGroups.accountId, accountId))
    .groupBy(userGroups.groupId)
    .all();
  return new Map(rows.map((r) => [r.groupId, r.n]));
}

/** Throws Conflict if another group of the account already has this name in any case. */
export function assertGroupNameFree(tx: Tx, accountId: string, name: string, exceptGroupId?: string): void {
  const key = groupNameKey(name);
  const names = tx.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.accountId, accountId)).all();
  if (names.some((g) => g.id !== exceptGroupId && groupNameKey(g.name) === key)) throw new Conflict(GROUP_NAME_TAKEN);
}

export function toGroupRecord(row: GroupRow, usersCount: number): GroupRecord {
  return { id: row.id, accountId: row.accountId, name: row.name, createdAt: row.createdAt, usersCount };
}
