import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { SectionHeader } from "@/components/shell/page-header";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { buttonClasses } from "@/components/ui/button";
import { pageActor } from "@/lib/sign-in/session-actor";
import { can } from "@/lib/auth/policy";
import { listRoles } from "@/lib/roles/queries";
import { RolesTable } from "@/components/roles/roles-table";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("roles");

export default async function RolesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await pageActor();
  if (!can(actor, "roles:read")) return null;
  // A role deleted from its own page comes back here (deleteRoleAction).
  const deleted = (await searchParams).deleted === "1";
  const roles = await listRoles(actor);
  const t = await getTranslations("rolesPage");
  return (
    <section aria-labelledby="roles-heading" className="space-y-4">
      <SectionHeader
        id="roles-heading"
        title={t("title")}
        description={t("intro")}
        align="end"
        actions={
          can(actor, "roles:create") && (
            <Link href="/settings/roles/new" className={buttonClasses("primary")}>
              {t("create")}
            </Link>
          )
        }
      />
      {deleted && <RedirectNotice param="deleted">{t("deleted")}</RedirectNotice>}
      <RolesTable roles={roles} />
    </section>
  );
}
