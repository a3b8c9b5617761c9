/**
 * Which users are in which groups (a user's "auto_groups"). Group ids given by
 * a caller are checked to exist in the caller's account before anything is written.
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/client";
import type { Db as AsyncDb } from "@/lib/db/database";
import { groups, userGroups } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";

/** Throws Invalid (field auto_groups) unless every id is a group of this account. */
export function assertGroupsExist(q: Db | Tx, accountId: string, groupIds: string[], field = "auto_groups"): void {
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) return;
  const found = q
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.accountId, accountId), inArray(groups.id, unique)))
    .all();
  if (found.length !== unique.length) {
    const known = new Set(found.map((g) => g.id));
    const missing = unique.filter((id) => !known.has(id));
    throw new Invalid("Unknown group", { [field]: [`Unknown group id: ${missing.join(", ")}`] });
  }
}

/** Replaces a user's groups with exactly these (validated first). */
export function setUserGroups(tx: Tx, accountId: string, userId: string, groupIds: string[]): void {
  assertGroupsExist(tx, accountId, groupIds);
  tx.delete(userGroups).where(and(eq(userGroups.accountId, accountId), eq(userGroups.userId, userId))).run();
  const unique = [...new Set(groupIds)];
  if (unique.length > 0) {
    tx.insert(userGroups)
      .values(unique.map((groupId) => ({ userId, groupId, accountId })))
      .run();
  }
}

export function groupIdsOfUser(q: Db | Tx, accountId: string, userId: string): string[] {
  return q
    .select({ groupId: userGroups.groupId })
    .from(userGroups)
    .where(and(eq(userGroups.accountId, accountId), eq(userGroups.userId, userId)))
    .all()
    .map((r) => r.groupId);
}

/** Every membership of the account, as userId → groupIds (for building the user directory). */
export function groupIdsByUser(q: Db | Tx, accountId: string): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  const rows = q
    .select({ userId: userGroups.userId, groupId: userGroups.groupId })
    .from(userGroups)
    .where(eq(userGroups.accountId, accountId))
    .all();
  for (const { userId, groupId } of rows) {
    const list = byUser.get(userId);
    if (list) list.push(groupId);
    else byUser.set(userId, [groupId]);
  }
  return byUser;
}

/** Every group of the account as id → name, for showing names beside ids. */
export function groupNamesById(q: Db | Tx | AsyncDb, accountId: string): Map<string, string> {
  const rows = q.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.accountId, accountId)).all();
  return new Map(rows.map((g) => [g.id, g.name]));
}
