import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { pageActor } from "@/lib/sign-in/session-actor";
import { can } from "@/lib/auth/policy";
import { listRoles } from "@/lib/roles/queries";
import { RolesTable } from "@/components/roles/roles-table";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("roles");

export default async function RolesPage() {
  const actor = await pageActor();
  if (!can(actor, "roles:read")) return null;
  const roles = await listRoles(actor);
  const t = await getTranslations("rolesPage");
  return (
    <section aria-labelledby="roles-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="roles-heading" className="text-base font-semibold text-slate-900">
            {t("title")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
        </div>
        {can(actor, "roles:create") && (
          <Link href="/settings/roles/new" className={buttonClasses("primary")}>
            {t("create")}
          </Link>
        )}
      </div>
      <RolesTable roles={roles} />
    </section>
  );
}
