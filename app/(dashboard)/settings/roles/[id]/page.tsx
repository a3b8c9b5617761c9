import type { Metadata } from "next";
import { cache } from "react";
import { roleDescription, roleName } from "@/components/roles/role-names";
import { routeId } from "@/app/page-params";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteRoleButton, RoleForm } from "@/components/roles/role-form";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { OWNER_ONLY } from "@/lib/auth/permissions";
import { can, permissionsOfActor } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { NotFound } from "@/lib/errors";
import { getRole, permissionCatalogue } from "@/lib/roles/queries";
import { renameRoleRefusal } from "@/lib/roles/roles";
import { serverText } from "@/lib/forms/message-keys";
import { namedTitle, titled } from "@/i18n/titles";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The role as this request's actor may see it (null without roles:read), or Next's 404 page; read once for title and page. */
const loadRole = cache(async (id: string) => {
  const actor = await pageActor();
  if (!can(actor, "roles:read")) return { actor, role: null };
  const role = await getRole(actor, id).catch((err: unknown) => {
    if (err instanceof NotFound) notFound();
    throw err;
  });
  return { actor, role };
});

/** "Helpdesk · Roles · Settings · Latchkey": which role, in the title a screen reader says first. */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { role } = await loadRole(await routeId(params));
  return role ? namedTitle("roleNamed", roleName(await getTranslations("team"), role)) : titled("role")();
}

export default async function RolePage({ params, searchParams }: Props) {
  const { actor, role } = await loadRole(await routeId(params));
  if (!role) return null;
  const created = (await searchParams).created === "1";
  const grantable = [...permissionsOfActor(actor)].filter((p) => !OWNER_ONLY.has(p));
  const [t, team, server] = await Promise.all([getTranslations("rolesPage"), getTranslations("team"), getTranslations("serverMessages")]);
  const renameRefused = !role.builtIn && can(actor, "roles:update") ? await renameRoleRefusal(actor, role.id) : null;
  const holders = role.holders.map((h) => (h.via === "group" ? t("throughGroup", { name: h.name, group: h.groupName ?? "" }) : h.name));
  const name = roleName(team, role);
  return (
    <section aria-labelledby="role-heading" className="space-y-4">
      <nav aria-label={t("breadcrumb")} className="text-sm">
        <Link href="/settings/roles" className="py-1.5 text-slate-600 underline hover:text-slate-900">
          {t("title")}
        </Link>
      </nav>
      {created && <RedirectNotice param="created">{t("created", { name })}</RedirectNotice>}
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h2 id="role-heading" className="min-w-0 text-base font-semibold text-slate-900 [overflow-wrap:anywhere]">
          {name}
          {role.builtIn && <span className="inline-block whitespace-nowrap ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-700">{t("builtInFixed")}</span>}
        </h2>
        {!role.builtIn && can(actor, "roles:delete") && <DeleteRoleButton role={role} holders={holders} />}
      </div>
      <p className="text-sm text-slate-600">
        {t("heldBy", { holders: holders.length === 0 ? t("nobody") : holders.join(", ") })}
        {role.groups.length > 0 && t("grantedBy", { groups: role.groups.map((g) => g.name).join(", ") })}.
      </p>
      <RoleForm
        key={role.updatedAt?.getTime() ?? role.id}
        role={{ id: role.id, name, description: roleDescription(team, role), permissions: role.permissions, builtIn: role.builtIn }}
        permissions={permissionCatalogue()}
        grantable={grantable}
        canSave={can(actor, "roles:update")}
        renameRefused={renameRefused && serverText(server, renameRefused)}
      />
    </section>
  );
}
