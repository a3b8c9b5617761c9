import { RoleAssignmentForm, type AssignableRole } from "@/components/roles/role-assignment";
import type { Actor } from "@/lib/auth/actor";
import { notHeld } from "@/lib/auth/escalation";
import { OWNER_ONLY } from "@/lib/auth/permissions";
import { can, permissionsOfActor } from "@/lib/auth/policy";
import { getUserRoles, listRoles } from "@/lib/roles/queries";
import { getTranslations } from "next-intl/server";
import { roleDescription, roleName } from "./role-names";

/** The user page's Roles section: their roles, per permission where it comes from, and (for managers) the extra roles to tick. */
export async function UserRolesSection({ actor, userId, isSelf }: { actor: Actor; userId: string; isSelf: boolean }) {
  const held = await getUserRoles(actor, userId);
  const [t, team, roles] = await Promise.all([getTranslations("rolesPage.user"), getTranslations("team"), getTranslations("rolesPage")]);
  /** What a permission allows, in words (`users:read` → rolesPage.permissions.users.read), as the role form's grid says it. */
  const allows = (name: string) => {
    const key = `permissions.${name.replace(":", ".")}`;
    return roles.has(key as never) ? roles(key as never) : null;
  };
  /** Where a permission comes from, in words: "from role Helpdesk", "from group Support". */
  const sourceLabel = (s: { roleId: string; roleName: string; via: "role" | "roles" | "group"; groupName?: string }) => {
    const role = roleName(team, { id: s.roleId, name: s.roleName });
    return s.via === "group" ? t("fromGroup", { group: s.groupName ?? "", role }) : t("fromRole", { role });
  };
  // Someone who holds a permission the actor lacks (the owner, to an admin): any change to their roles is refused
  // (assertOutranks, lib/auth/escalation.ts), so the form isn't offered and the page says why (review 20).
  const manages = !isSelf && can(actor, "users:update") && can(actor, "roles:read");
  const outranked = manages && notHeld(actor, held.permissions.map((p) => p.name)).length > 0;
  const mayAssign = manages && !outranked;
  const mine = permissionsOfActor(actor);
  const assignable: AssignableRole[] = mayAssign
    ? (await listRoles(actor))
        .filter((r) => r.id !== "owner" && r.id !== held.roles[0]?.id)
        .map((r) => ({ id: r.id, name: roleName(team, r), description: roleDescription(team, r), grantable: r.permissions.every((p) => mine.has(p) && !OWNER_ONLY.has(p)) }))
    : [];
  return (
    <section aria-labelledby="roles-heading" className="mt-8 space-y-4">
      <h2 id="roles-heading" className="text-base font-semibold text-slate-900">
        {t("heading")}
      </h2>
      <p className="text-sm text-slate-700">
        {t("roles", { roles: held.roles.map((r) => roleName(team, r)).join(", ") })}
        {held.groupRoles.length > 0 &&
          `; ${t("throughGroups", { roles: held.groupRoles.map((g) => t("roleInGroup", { role: roleName(team, g.role), group: g.groupName })).join(", ") })}`}
      </p>
      {held.permissions.length === 0 ? (
        <p className="text-sm text-slate-600">{t("none")}</p>
      ) : (
        <ul aria-label={t("permissions")} className="divide-y divide-slate-100 rounded-lg bg-white text-sm shadow-sm ring-1 ring-slate-200">
          {held.permissions.map((p) => (
            <li key={p.name} className="flex flex-wrap justify-between gap-2 px-4 py-2">
              <span className="min-w-0">
                <span className="font-mono text-slate-900">{p.name}</span>
                {allows(p.name) && <span className="block text-xs text-slate-600">{allows(p.name)}</span>}
              </span>
              <span className="text-slate-600">{p.sources.map(sourceLabel).join("; ")}</span>
            </li>
          ))}
        </ul>
      )}
      {outranked && <p className="text-sm text-slate-600">{t("outranked")}</p>}
      {mayAssign && <RoleAssignmentForm target="user" id={userId} roles={assignable} held={held.roles.slice(1).map((r) => r.id)} />}
    </section>
  );
}
