/**
 * A role's name and description in the viewer's language: built-in roles are
 * worded by the catalog (messages: team.roles.<id>), custom roles keep the
 * words their author gave them.
 */
import { isBuiltInRole, type BuiltInRoleId } from "@/lib/auth/permissions";

type RoleWords = (key: `roles.${BuiltInRoleId}.${"name" | "description"}`) => string;

export function roleName(team: RoleWords, role: { id: string; name: string }): string {
  return isBuiltInRole(role.id) ? team(`roles.${role.id}.name`) : role.name;
}

export function roleDescription(team: RoleWords, role: { id: string; description: string }): string {
  return isBuiltInRole(role.id) ? team(`roles.${role.id}.description`) : role.description;
}
