/**
 * Reading group rows, always scoped to one account, and the one rule about
 * names: apps trust them (the `groups` claim), so a new name may not pass for
 * another. Unique per account compared as usernames are (NFKC and full case
 * folding, which SQLite's NOCASE is not, so the comparison happens here, inside
 * the write transaction), and keeping to one script as usernames do.
 */
import "server-only";
import { and, count, eq } from "drizzle-orm";
import { normaliseEmail } from "@/lib/crypto/blind-index";
import type { Db, Tx } from "@/lib/db/database";
import { groups, userGroups, type GroupRow } from "@/lib/db/schema";
import { Conflict, Invalid, NotFound } from "@/lib/errors";
import { splitsInJoinedClaim } from "@/lib/format/claim-name";
import { hasInvisibleCharacters } from "@/lib/format/display-text";
import { keepsToOneScript } from "@/lib/users/username-scripts";

export const GROUP_NAME_TAKEN = "A group with this name already exists";
export const GROUP_NAME_MIXED_SCRIPTS = "A group name can't mix alphabets, e.g. Latin and Cyrillic letters";
export const GROUP_NAME_COMMA = "A group name can't contain a comma";
export const GROUP_NAME_INVISIBLE = "A group name can't contain invisible characters";

export type GroupRecord = { id: string; accountId: string; name: string; createdAt: Date; usersCount: number };

/**
 * The form names are compared in, the usernames' (lib/crypto/blind-index.ts normaliseEmail): "Ops", " OPS" and
 * "ops" are one name, and so are "admins" and "admıns" (dotless ı), whose capitals are the same.
 */
export function groupNameKey(name: string): string {
  return normaliseEmail(name);
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

/**
 * Refuses a name being given to a group that could pass for another's: letters from more than one script
 * ("grаfana-admins" with a Cyrillic а; TR39's Highly Restrictive, lib/users/username-scripts.ts) is Invalid,
 * another group of the account with this name in any case is a Conflict; both on the name field (forms say it
 * there, the API in "errors"). A comma (or one that is a comma in NFKC, "，") is Invalid too: apps that get the
 * groups claim as one line join the names with "," (Apache's mod_auth_openidc in OIDC_CLAIM_groups; proxies that
 * put the groups in one header may too), so "ops,wiki-admins" would read there as "wiki-admins". A character that shows as
 * nothing is Invalid (review 22): "wiki\u200badmins" read as "wikiadmins" everywhere a person picks a group, and case
 * folding and the one-script rule don't see it. Names stored before these rules stay as long as they aren't changed.
 */
export async function assertGroupNameFree(tx: Tx, accountId: string, name: string, exceptGroupId?: string): Promise<void> {
  const nfkc = name.normalize("NFKC");
  if (hasInvisibleCharacters(nfkc)) throw new Invalid(GROUP_NAME_INVISIBLE, { name: [GROUP_NAME_INVISIBLE] });
  if (splitsInJoinedClaim(nfkc)) throw new Invalid(GROUP_NAME_COMMA, { name: [GROUP_NAME_COMMA] });
  if (!keepsToOneScript(nfkc)) throw new Invalid(GROUP_NAME_MIXED_SCRIPTS, { name: [GROUP_NAME_MIXED_SCRIPTS] });
  const key = groupNameKey(name);
  const names = await tx.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.accountId, accountId));
  if (names.some((g) => g.id !== exceptGroupId && groupNameKey(g.name) === key)) throw new Conflict(GROUP_NAME_TAKEN, { name: [GROUP_NAME_TAKEN] });
}

export function toGroupRecord(row: GroupRow, usersCount: number): GroupRecord {
  return { id: row.id, accountId: row.accountId, name: row.name, createdAt: row.createdAt, usersCount };
}
