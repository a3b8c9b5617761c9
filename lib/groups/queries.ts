/**
 * Reading groups, scoped to the actor's account and to what the actor's role
 * may see: the owner, admins and auditors see every group and its members;
 * users see only the groups they belong to, and among the members only
 * themselves (they can't see other people anywhere else either).
 */
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { assertCanReadActivity } from "@/lib/audit/events";
import { db } from "@/lib/db/database";
import { groups, userGroups, users, type UserRow } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { openIdentity } from "@/lib/users/records";
import { groupIdsOfUser, groupNamesById } from "./membership";
import { countMembers, findGroupRow, groupNameKey, memberCountsByGroup, toGroupRecord, type GroupRecord } from "./records";
import { pageOf } from "@/lib/http/list-params";
import type { GroupFilters } from "./schemas";

export type GroupMember = { id: string; name: string; email: string | null };
export type GroupDetail = GroupRecord & { members: GroupMember[] };
export type GroupList = { items: GroupRecord[]; total: number };

const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * Every group of the account as choices for a sign-in source's group fields (an identity provider's auto groups,
 * LDAP's group mapping), sorted by name. Those fields name any group of the account, whoever edits them.
 */
export async function groupChoicesOf(accountId: string): Promise<{ id: string; name: string }[]> {
  return [...(await groupNamesById(db(), accountId))].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Group names by id, for showing names beside a user's or an invite's group
 * ids: every group of the account for those who see all groups, otherwise the
 * groups the actor belongs to.
 */
export async function groupNamesFor(actor: Actor): Promise<Map<string, string>> {
  const names = await groupNamesById(db(), actor.accountId);
  if (can(actor, "groups:read")) return names;
  const mine = new Set(await groupIdsOfUser(db(), actor.accountId, actor.userId));
  return new Map([...names].filter(([id]) => mine.has(id)));
}

/**
 * Every group of the account as id → name, for the activity log's readers: its events' details name groups by
 * id (a user's auto_groups before and after, say), and whoever may read the log sees those names, groups:read or
 * not (a billing admin). Which groups the log links to follows groupNamesFor, above.
 */
export async function groupNamesForActivity(actor: Actor): Promise<Map<string, string>> {
  assertCanReadActivity(actor);
  return groupNamesById(db(), actor.accountId);
}

/** Groups matching the filters, sorted by name. */
export async function listGroups(actor: Actor, filters: GroupFilters): Promise<GroupList> {
  const seesAll = can(actor, "groups:read");
  const visibleIds = seesAll ? null : await groupIdsOfUser(db(), actor.accountId, actor.userId);
  if (visibleIds?.length === 0) return { items: [], total: 0 };
  const [rows, counts] = await Promise.all([
    db()
      .select()
      .from(groups)
      .where(and(eq(groups.accountId, actor.accountId), visibleIds ? inArray(groups.id, visibleIds) : undefined))
      .orderBy(asc(groups.createdAt)),
    memberCountsByGroup(db(), actor.accountId),
  ]);
  const needle = filters.search ? groupNameKey(filters.search) : null;
  const found = rows
    .filter((row) => !needle || groupNameKey(row.name).includes(needle))
    .filter((row) => filters.name === undefined || row.name === filters.name)
    .sort((a, b) => byName.compare(a.name, b.name))
    .map((row) => toGroupRecord(row, counts.get(row.id) ?? 0));
  // Asking for a name is asking for one group: none is "not found", as in NetBird.
  if (filters.name !== undefined && found.length === 0) throw new NotFound("Group");
  return { items: pageOf(found, filters), total: found.length };
}

/** One group with its members (sorted by name); hidden groups and other accounts' ids are "not found". */
export async function getGroup(actor: Actor, groupId: string): Promise<GroupDetail> {
  return (await getGroupWithMemberRows(actor, groupId)).group;
}

/**
 * getGroup, with the user rows of the members it lists (read once, in the same statement), for a caller that goes
 * on to decide about them (the group's page: lib/users/group-members.ts groupPageView). `allMembers`: the rows are
 * every member (the actor sees all groups), not only the actor.
 */
export async function getGroupWithMemberRows(actor: Actor, groupId: string): Promise<{ group: GroupDetail; memberRows: UserRow[]; allMembers: boolean }> {
  const row = await findGroupRow(db(), actor.accountId, groupId);
  if (!row) throw new NotFound("Group");
  const seesAll = can(actor, "groups:read");
  const memberRows = (
    await db()
      .select({ user: users })
      .from(userGroups)
      .innerJoin(users, and(eq(users.id, userGroups.userId), eq(users.accountId, userGroups.accountId)))
      .where(
        and(
          eq(userGroups.accountId, actor.accountId),
          eq(userGroups.groupId, groupId),
          seesAll ? undefined : eq(userGroups.userId, actor.userId),
        ),
      )
  ).map(({ user }) => user);
  if (!seesAll && memberRows.length === 0) throw new NotFound("Group");
  const members = memberRows
    .map((user) => {
      const { id, name, email } = openIdentity(user);
      return { id, name, email };
    })
    .sort((a, b) => byName.compare(a.name || a.email || "", b.name || b.email || ""));
  // Every member row was read (a membership's user is deleted with it: the foreign key cascades): counted here.
  const usersCount = seesAll ? memberRows.length : await countMembers(db(), actor.accountId, groupId);
  return { group: { ...toGroupRecord(row, usersCount), members }, memberRows, allMembers: seesAll };
}
