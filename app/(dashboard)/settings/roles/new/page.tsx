import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { RoleForm } from "@/components/roles/role-form";
import { OWNER_ONLY } from "@/lib/auth/permissions";
import { can, permissionsOfActor } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { permissionCatalogue } from "@/lib/roles/queries";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("createRole");

export default async function NewRolePage() {
  const actor = await pageActor();
  if (!can(actor, "roles:create")) redirect("/settings/roles");
  const grantable = [...permissionsOfActor(actor)].filter((p) => !OWNER_ONLY.has(p));
  const t = await getTranslations("rolesPage");
  return (
    <section aria-labelledby="new-role-heading" className="space-y-4">
      <nav aria-label={t("breadcrumb")} className="text-sm">
        <Link href="/settings/roles" className="py-1.5 text-slate-600 underline hover:text-slate-900">
          {t("title")}
        </Link>
      </nav>
      <h2 id="new-role-heading" className="text-base font-semibold text-slate-900">
        {t("create")}
      </h2>
      <RoleForm role={{ name: "", description: "", permissions: [], builtIn: false }} permissions={permissionCatalogue()} grantable={grantable} canSave />
    </section>
  );
}
