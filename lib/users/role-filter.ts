/**
 * The users list's role filter: `role=<id or name>` names any role of the
 * account, built-in (`admin`, "Admin") or custom (its id or its exact name),
 * and matches the users who hold it — as their primary role, as an extra role,
 * or through a group that grants it (who the Roles page lists as holders).
 * Names are compared exactly: a role is a permission set, and "ADMIN" naming
 * a different role than "Admin" must not widen a filter by accident.
 */
import "server-only";
import { and, asc, eq, or } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { BUILT_IN_ROLES, isBuiltInRole } from "@/lib/auth/permissions";
import { can } from "@/lib/auth/policy";
import type { Db } from "@/lib/db/database";
import { db } from "@/lib/db/database";
import { roles } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";

export type RoleFilter = { id: string; builtIn: boolean };

const UNKNOWN = "role must be the id or name of a role of this account";

/** Matches no one: no role has an empty id. */
const NOBODY: RoleFilter = { id: "", builtIn: false };

/**
 * The role a filter value names, or Invalid (422 on "role"); another account's role is unknown here.
 * For a caller who sees only themselves (`seesEveryone` false: no users:read) an unknown role is a role
 * they don't hold, matching no one: the 422 told them which names and ids the account's roles have, which
 * is roles:read's to show.
 */
export async function resolveRoleFilter(q: Db, accountId: string, value: string, seesEveryone = true): Promise<RoleFilter> {
  if (isBuiltInRole(value)) return { id: value, builtIn: true };
  const named = Object.values(BUILT_IN_ROLES).find((r) => r.name === value);
  if (named) return { id: named.id, builtIn: true };
  const [row] = await q
    .select({ id: roles.id })
    .from(roles)
    .where(and(eq(roles.accountId, accountId), or(eq(roles.id, value), eq(roles.name, value))))
    .limit(1);
  if (!row) {
    if (!seesEveryone) return NOBODY;
    throw new Invalid(UNKNOWN, { role: [UNKNOWN] });
  }
  return { id: row.id, builtIn: false };
}

export type RoleChoice = { id: string; name: string; builtIn: boolean };

/** Every role of the account to filter the users list by: the built-in ones, then the custom ones by name (users:read, as the list). */
export async function roleFilterChoices(actor: Actor): Promise<RoleChoice[]> {
  if (!can(actor, "users:read")) return [];
  const custom = await db().select({ id: roles.id, name: roles.name }).from(roles).where(eq(roles.accountId, actor.accountId)).orderBy(asc(roles.name));
  return [
    ...Object.values(BUILT_IN_ROLES).map((r) => ({ id: r.id, name: r.name, builtIn: true })),
    ...custom.map((r) => ({ ...r, builtIn: false })),
  ];
}
