/**
 * Which users are in which groups (a user's "auto_groups"). Group ids given by
 * a caller are checked to exist in the caller's account before anything is written.
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { emit } from "@/lib/data/effects";
import type { Db, Tx } from "@/lib/db/database";
import { groups, userGroups } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";

/** Throws Invalid (field auto_groups) unless every id is a group of this account. */
export async function assertGroupsExist(q: Db | Tx, accountId: string, groupIds: string[], field = "auto_groups"): Promise<void> {
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) return;
  const found = await q
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.accountId, accountId), inArray(groups.id, unique)));
  if (found.length !== unique.length) {
    const known = new Set(found.map((g) => g.id));
    const missing = unique.filter((id) => !known.has(id));
    const ids = missing.join(", ");
    const text = `Unknown group ID: ${ids}`;
    throw new Invalid("Unknown group", { [field]: [text] }).keyed("unknownGroupIds", { ids }, text);
  }
}

/**
 * Replaces a user's groups with exactly these (validated first). A change is the effect
 * user.groups_changed: apps limited to groups the person left end their grants in this transaction.
 */
export async function setUserGroups(tx: Tx, accountId: string, userId: string, groupIds: string[]): Promise<void> {
  await assertGroupsExist(tx, accountId, groupIds);
  const before = await tx
    .delete(userGroups)
    .where(and(eq(userGroups.accountId, accountId), eq(userGroups.userId, userId)))
    .returning({ groupId: userGroups.groupId });
  const unique = [...new Set(groupIds)];
  if (unique.length > 0) {
    await tx.insert(userGroups).values(unique.map((groupId) => ({ userId, groupId, accountId })));
  }
  const left = before.some(({ groupId }) => !unique.includes(groupId));
  if (left) await emit(tx, "user.groups_changed", { accountId, userId });
}

export async function groupIdsOfUser(q: Db | Tx, accountId: string, userId: string): Promise<string[]> {
  const rows = await q
    .select({ groupId: userGroups.groupId })
    .from(userGroups)
    .where(and(eq(userGroups.accountId, accountId), eq(userGroups.userId, userId)));
  return rows.map((r) => r.groupId);
}

/**
 * Memberships as userId → groupIds: of the given users (a page of a list: one
 * query instead of one per row), or of every user of the account without them.
 */
export async function groupIdsByUser(q: Db | Tx, accountId: string, userIds?: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds?.length === 0) return byUser;
  const rows = await q
    .select({ userId: userGroups.userId, groupId: userGroups.groupId })
    .from(userGroups)
    .where(and(eq(userGroups.accountId, accountId), userIds ? inArray(userGroups.userId, [...userIds]) : undefined));
  for (const { userId, groupId } of rows) {
    const list = byUser.get(userId);
    if (list) list.push(groupId);
    else byUser.set(userId, [groupId]);
  }
  return byUser;
}

/** Every group of the account as id → name, for showing names beside ids. */
export async function groupNamesById(q: Db | Tx, accountId: string): Promise<Map<string, string>> {
  const rows = await q.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.accountId, accountId));
  return new Map(rows.map((g) => [g.id, g.name]));
}
