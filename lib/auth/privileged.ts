/**
 * "Privileged": holding any power beyond what the built-in `user` and `auditor` roles hold together
 * (one's own account, and looking). Whoever holds more can change what others may do, so an external
 * source (an OIDC provider, the LDAP directory, the trusted proxy) never reaches such an account, nor
 * accepts an invite that would make one, by matching an email (lib/idp/external-sign-in.ts). The
 * powers may come from the primary role, extra roles or groups' roles: what counts is the union.
 */
import "server-only";
import type { Db } from "@/lib/db/database";
import type { Role } from "@/lib/db/schema";
import { permissionsOfRoles, resolvePermissions, rolesGrantedByGroups } from "./effective-permissions";
import { builtInPermissions, type Permission } from "./permissions";

const MEMBER_POWERS: ReadonlySet<Permission> = new Set([...builtInPermissions("user"), ...builtInPermissions("auditor")]);

/** The one test: any permission outside what a user or an auditor holds. */
export function isPrivileged(held: Iterable<Permission>): boolean {
  for (const permission of held) if (!MEMBER_POWERS.has(permission)) return true;
  return false;
}

/** Whether a user is privileged by what they hold now: primary role, extra roles and their groups' roles. */
export async function userIsPrivileged(q: Db, user: { accountId: string; id: string; role: Role }): Promise<boolean> {
  return isPrivileged(await resolvePermissions(q, { accountId: user.accountId, userId: user.id, role: user.role }));
}

/** Whether someone given this role and these groups (an invite's) would be privileged. */
export async function grantIsPrivileged(q: Db, accountId: string, grant: { role: Role; groupIds: readonly string[] }): Promise<boolean> {
  const roleIds = [grant.role, ...(await rolesGrantedByGroups(q, accountId, grant.groupIds))];
  return isPrivileged(await permissionsOfRoles(q, accountId, roleIds));
}
