import { RoleAssignmentForm } from "@/components/roles/role-assignment";
import type { Actor } from "@/lib/auth/actor";
import { OWNER_ONLY } from "@/lib/auth/permissions";
import { can, permissionsOfActor } from "@/lib/auth/policy";
import { getGroupRoles, listRoles } from "@/lib/roles/queries";
import { getTranslations } from "next-intl/server";
import { serverText } from "@/lib/forms/message-keys";
import { roleDescription, roleName } from "./role-names";

/**
 * The group page's "Grants roles" section: members hold these roles while they are members. `refused`: why giving
 * the group a role would be refused (lib/users/group-members.ts groupPageView): said here, and only the roles it
 * grants stay tickable (to take them away); with none, there is no form.
 */
export async function GroupRolesSection({ actor, groupId, refused }: { actor: Actor; groupId: string; refused: string | null }) {
  if (!can(actor, "groups:read")) return null;
  const granted = await getGroupRoles(actor, groupId);
  const [t, team, server] = await Promise.all([getTranslations("rolesPage.group"), getTranslations("team"), getTranslations("serverMessages")]);
  const mayChange = can(actor, "groups:update") && can(actor, "roles:read");
  const mine = permissionsOfActor(actor);
  const roles = mayChange
    ? (await listRoles(actor))
        .filter((r) => r.id !== "owner")
        .map((r) => ({ id: r.id, name: roleName(team, r), description: roleDescription(team, r), grantable: !refused && r.permissions.every((p) => mine.has(p) && !OWNER_ONLY.has(p)) }))
    : [];
  return (
    <section aria-labelledby="grants-heading" className="mb-8 space-y-3">
      <h2 id="grants-heading" className="text-base font-semibold text-slate-900">
        {t("heading")}
      </h2>
      <p className="text-sm text-slate-700">
        {granted.length === 0 ? t("none") : t("membersHold", { roles: granted.map((r) => roleName(team, r)).join(", ") })}
      </p>
      {mayChange && refused && <p className="text-sm text-slate-600">{serverText(server, refused)}</p>}
      {mayChange && (!refused || granted.length > 0) && <RoleAssignmentForm target="group" id={groupId} roles={roles} held={granted.map((r) => r.id)} />}
    </section>
  );
}
