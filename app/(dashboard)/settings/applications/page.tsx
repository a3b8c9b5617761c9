import { titled } from "@/i18n/titles";
import Link from "next/link";
import { IssuerPanel } from "@/components/applications/issuer-panel";
import { NewApplicationDialog } from "@/components/applications/new-application-dialog";
import { EmptyState, SectionHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { DataTable } from "@/components/ui/data-table";
import { discoveryUrl, issuerUrl } from "@/lib/applications/issuer";
import { listApplications } from "@/lib/applications/queries";
import { accessOf, type ApplicationRecord } from "@/lib/applications/records";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { groupNamesFor } from "@/lib/groups/queries";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("applications");

function whoMaySignIn(app: ApplicationRecord, t: Awaited<ReturnType<typeof getTranslations<"applicationsPage">>>): string {
  const access = accessOf(app);
  if (access === "everyone") return t("everyone");
  if (access === "nobody") return t("nobody");
  return app.allowedGroups.map((g) => g.name).join(", ");
}

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await pageActor();
  if (!can(actor, "applications:read")) return null;
  const [{ items }, issuer, names] = await Promise.all([listApplications(actor, { offset: 0 }), issuerUrl(), groupNamesFor(actor)]);
  const groups = [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  const deleted = (await searchParams).deleted === "1";
  const t = await getTranslations("applicationsPage");
  return (
    <section aria-labelledby="applications-heading" className="space-y-4">
      <SectionHeader
        id="applications-heading"
        title={t("title")}
        description={t("description")}
        align="end"
        actions={can(actor, "applications:create") && <NewApplicationDialog groups={groups} />}
      />
      {!can(actor, "applications:update") && <Alert tone="info">{t("readOnly")}</Alert>}
      {deleted && <RedirectNotice param="deleted">{t("deleted")}</RedirectNotice>}
      <IssuerPanel issuer={issuer} discovery={issuer ? discoveryUrl(issuer) : null} canSetEmail={can(actor, "settings:email")} />
      <DataTable
        label={t("title")}
        rows={items}
        rowKey={(app) => app.id}
        empty={<EmptyState title={t("none")}>{t("noneBody")}</EmptyState>}
        columns={[
          {
            id: "name",
            header: t("name"),
            cell: (app) => (
              <Link href={`/settings/applications/${app.id}`} className="font-medium text-indigo-700 hover:underline">
                {app.name}
              </Link>
            ),
          },
          { id: "type", header: t("type"), cell: (app) => t(`types.${app.type}.label`) },
          { id: "client", header: t("clientId"), cell: (app) => <code className="break-all font-mono text-xs">{app.clientId}</code> },
          { id: "who", header: t("whoMay"), cell: (app) => whoMaySignIn(app, t) },
        ]}
      />
    </section>
  );
}
