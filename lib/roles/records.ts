/**
 * Reading roles: the built-in ones (code, lib/auth/permissions.ts) and the
 * account's custom ones (rows), as one RoleRecord shape, always scoped to one
 * account.
 */
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { BUILT_IN_ROLES, customRolePermissions, isBuiltInRole, sortPermissions, type Permission } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/database";
import { roles, type RoleRow } from "@/lib/db/schema";
import { Conflict, Invalid, NotFound } from "@/lib/errors";
import { normaliseEmail } from "@/lib/crypto/blind-index";
import { splitsInJoinedClaim } from "@/lib/format/claim-name";
import { hasInvisibleCharacters } from "@/lib/format/display-text";
import { keepsToOneScript } from "@/lib/users/username-scripts";

export type RoleRecord = {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
  builtIn: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
};

export function toRoleRecord(row: RoleRow): RoleRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: sortPermissions(customRolePermissions(row.permissions)),
    builtIn: false,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const BUILT_IN_RECORDS: RoleRecord[] = Object.values(BUILT_IN_ROLES).map((r) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  permissions: sortPermissions(r.permissions),
  builtIn: true,
  createdAt: null,
  updatedAt: null,
}));

export async function findCustomRole(q: Db, accountId: string, roleId: string): Promise<RoleRow | undefined> {
  const [row] = await q
    .select()
    .from(roles)
    .where(and(eq(roles.accountId, accountId), eq(roles.id, roleId)))
    .limit(1);
  return row;
}

/** A built-in or custom role, or NotFound (another account's id too). */
export async function loadRole(q: Db, accountId: string, roleId: string): Promise<RoleRecord> {
  if (isBuiltInRole(roleId)) return BUILT_IN_RECORDS.find((r) => r.id === roleId)!;
  const row = await findCustomRole(q, accountId, roleId);
  if (!row) throw new NotFound("Role");
  return toRoleRecord(row);
}

export async function allRoles(q: Db, accountId: string): Promise<RoleRecord[]> {
  const rows = await q.select().from(roles).where(eq(roles.accountId, accountId)).orderBy(asc(roles.name));
  return [...BUILT_IN_RECORDS, ...rows.map(toRoleRecord)];
}

/** Every id names a role of the account (422 otherwise); the records in the order given. */
export async function assertRolesExist(q: Db, accountId: string, roleIds: readonly string[]): Promise<RoleRecord[]> {
  const custom = roleIds.filter((id) => !isBuiltInRole(id));
  const rows = custom.length
    ? await q
        .select()
        .from(roles)
        .where(and(eq(roles.accountId, accountId), inArray(roles.id, custom)))
    : [];
  const found = new Map<string, RoleRecord>([...BUILT_IN_RECORDS, ...rows.map(toRoleRecord)].map((r) => [r.id, r]));
  const unknown = roleIds.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    const list = unknown.join(", ");
    const text = `Unknown role: ${list}`;
    throw new Invalid(text, { role_ids: [text] }).keyed("unknownRoles", { roles: list });
  }
  return roleIds.map((id) => found.get(id)!);
}

const ROLE_NAME_TAKEN = "A role with this name already exists";
export const ROLE_NAME_INVISIBLE = "A role name can't contain invisible characters";
export const ROLE_NAME_MIXED_SCRIPTS = "A role name can't mix alphabets, e.g. Latin and Cyrillic letters";
export const ROLE_NAME_COMMA = "A role name can't contain a comma";

/**
 * A new role name can't pass for another's, as a group's can't (lib/groups/records.ts): no character that shows as
 * nothing, and one script (review 22: "Аdmin" with a Cyrillic А sat beside the built-in Admin, "Help\u200bdesk"
 * beside Helpdesk), and no comma, which splits it in two where apps join the roles claim (review 29:
 * "ops,admin" read as "admin" in mod_auth_openidc's OIDC_CLAIM_roles; lib/format/claim-name.ts). Invalid on the
 * name field. Names stored before the rule stay as long as they aren't changed.
 */
export function assertRoleNameReadsAsItself(name: string): void {
  const nfkc = name.normalize("NFKC");
  if (hasInvisibleCharacters(nfkc)) throw new Invalid(ROLE_NAME_INVISIBLE, { name: [ROLE_NAME_INVISIBLE] });
  if (splitsInJoinedClaim(nfkc)) throw new Invalid(ROLE_NAME_COMMA, { name: [ROLE_NAME_COMMA] });
  if (!keepsToOneScript(nfkc)) throw new Invalid(ROLE_NAME_MIXED_SCRIPTS, { name: [ROLE_NAME_MIXED_SCRIPTS] });
}

/** A role name as it is compared: as a username or a group name is (trimmed, NFKC, fully case-folded). */
function roleNameKey(name: string): string {
  return normaliseEmail(name);
}

/**
 * Role names are unique per account and never a built-in role's name or id (the roles claim names built-in roles by
 * id), compared as usernames and group names are: NFKC and full case folding (lib/crypto/blind-index.ts
 * normaliseEmail), so "admın" with a dotless ı, whose capitals are ADMIN's, is the built-in admin (review 29; apps
 * comparing case-insensitively, .NET's ToUpperInvariant, read it as "admin"). A clash is the name field's.
 */
export async function assertRoleNameFree(q: Db, accountId: string, name: string, exceptId?: string): Promise<void> {
  const key = roleNameKey(name);
  const taken =
    BUILT_IN_RECORDS.some((r) => roleNameKey(r.name) === key || r.id === key) ||
    (await q.select({ id: roles.id, name: roles.name }).from(roles).where(eq(roles.accountId, accountId))).some(
      (r) => r.id !== exceptId && roleNameKey(r.name) === key,
    );
  if (taken) throw new Conflict(ROLE_NAME_TAKEN, { name: [ROLE_NAME_TAKEN] });
}
