import type { Metadata } from "next";
import Link from "next/link";
import { IssuerPanel } from "@/components/applications/issuer-panel";
import { NewApplicationDialog } from "@/components/applications/new-application-dialog";
import { EmptyState } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/data-table";
import { discoveryUrl, issuerUrl } from "@/lib/applications/issuer";
import { listApplications } from "@/lib/applications/queries";
import { accessOf, type ApplicationRecord } from "@/lib/applications/records";
import { APPLICATION_TYPE_INFO } from "@/lib/applications/schemas";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { groupNamesFor } from "@/lib/groups/queries";

export const metadata: Metadata = { title: "Applications · Settings · Latchkey" };

function whoMaySignIn(app: ApplicationRecord): string {
  const access = accessOf(app);
  if (access === "everyone") return "Everyone";
  if (access === "nobody") return "Nobody (its groups were deleted)";
  return app.allowedGroups.map((g) => g.name).join(", ");
}

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await pageActor();
  if (!can(actor, "applications:read")) return null;
  const [{ items }, issuer, names] = await Promise.all([listApplications(actor, { offset: 0 }), issuerUrl(), groupNamesFor(actor)]);
  const groups = [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  const deleted = (await searchParams).deleted === "1";
  return (
    <section aria-labelledby="applications-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="applications-heading" className="text-base font-semibold text-slate-900">
            Applications
          </h2>
          <p className="mt-1 text-sm text-slate-600">Other apps and command-line tools that sign people in through Latchkey (OpenID Connect).</p>
        </div>
        {can(actor, "applications:create") && <NewApplicationDialog groups={groups} />}
      </div>
      {deleted && <Alert tone="success">Application deleted.</Alert>}
      <IssuerPanel issuer={issuer} discovery={issuer ? discoveryUrl(issuer) : null} canSetEmail={can(actor, "settings:email")} />
      <DataTable
        label="Applications"
        rows={items}
        rowKey={(app) => app.id}
        empty={<EmptyState title="No applications yet">Register Grafana, Gitea, oauth2-proxy or your own CLI to let people sign in to it with their Latchkey account.</EmptyState>}
        columns={[
          {
            id: "name",
            header: "Name",
            cell: (app) => (
              <Link href={`/settings/applications/${app.id}`} className="font-medium text-indigo-700 hover:underline">
                {app.name}
              </Link>
            ),
          },
          { id: "type", header: "Type", cell: (app) => APPLICATION_TYPE_INFO[app.type].label },
          { id: "client", header: "Client ID", cell: (app) => <code className="break-all font-mono text-xs">{app.clientId}</code> },
          { id: "who", header: "Who may sign in", cell: whoMaySignIn },
        ]}
      />
    </section>
  );
}
