/**
 * Who the provider's `sub` is, and what it says about them: the claims of the
 * scopes an app was granted, read from the directory as it is now on every
 * use (ID token, userinfo, introspection), so a blocked, deleted or
 * pending-approval person, or a service user, is refused rather than described.
 *
 * sub = the user's id (stable across renames and email changes).
 * profile → name, preferred_username (the username); email → email,
 * email_verified (true: addresses in Latchkey's directory are set by an
 * admin, an invite link that went to them, or a confirmed change);
 * groups → group names; roles → role names (primary, extra, via groups).
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { heldRoleIds } from "@/lib/auth/effective-permissions";
import { isBuiltInRole } from "@/lib/auth/permissions";
import { db } from "@/lib/db/database";
import { roles, type UserRow } from "@/lib/db/schema";
import { groupIdsOfUser, groupNamesById } from "@/lib/groups/membership";
import { findUserRow, openIdentity } from "@/lib/users/records";
import { instanceAccountId } from "@/lib/instance/account";

export type OidcClaims = {
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string | null;
  email_verified?: boolean;
  groups?: string[];
  roles?: string[];
};

/** The user behind sub if they may use apps now: exists in this instance, not blocked, not a service user, approved. */
export async function usableUser(sub: string): Promise<UserRow | null> {
  const accountId = await instanceAccountId();
  if (!accountId || typeof sub !== "string" || sub.length === 0 || sub.length > 100) return null;
  const row = await findUserRow(db(), accountId, sub);
  if (!row || row.isBlocked || row.isServiceUser || row.pendingApproval) return null;
  return row;
}

async function roleNames(row: UserRow): Promise<string[]> {
  const ids = await heldRoleIds(db(), row.accountId, row.id, row.role);
  const custom = ids.filter((id) => !isBuiltInRole(id));
  const named =
    custom.length === 0
      ? []
      : await db()
          .select({ name: roles.name })
          .from(roles)
          .where(and(eq(roles.accountId, row.accountId), inArray(roles.id, custom)));
  return [...ids.filter((id) => isBuiltInRole(id)), ...named.map((r) => r.name)].sort();
}

async function groupNames(row: UserRow): Promise<string[]> {
  const [ids, names] = await Promise.all([groupIdsOfUser(db(), row.accountId, row.id), groupNamesById(db(), row.accountId)]);
  return ids.map((id) => names.get(id)).filter((n): n is string => n !== undefined).sort();
}

/** Every claim Latchkey can state about the user; the provider keeps those of the granted scopes. */
export async function claimsOf(row: UserRow): Promise<OidcClaims> {
  const identity = openIdentity(row);
  const [groups, roleList] = await Promise.all([groupNames(row), roleNames(row)]);
  return {
    sub: row.id,
    name: identity.name,
    preferred_username: identity.username || undefined,
    email: identity.email,
    email_verified: identity.email !== null,
    groups,
    roles: roleList,
  };
}
