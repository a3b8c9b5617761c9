import { getTranslations } from "next-intl/server";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { SessionActor } from "@/lib/auth/actor";
import { appsSignedInTo, type SignedInApp } from "@/lib/oidc/grants";
import { inSayingOrder, knownScope } from "@/lib/oidc/scope-words";
import { instanceBranding } from "@/lib/instance/branding";
import { withdrawAppAccessAction } from "./apps-actions";
import { Card, CardHeading } from "@/components/ui/card";

/** Profile → Apps you signed in to: the apps holding your sign-in through Latchkey, with "Revoke access" per app. */
export async function AppsSection({ actor }: { actor: SessionActor }) {
  const apps = await appsSignedInTo(actor);
  const t = await getTranslations("profilePage.apps");
  // What an app can see, in the consent page's words ("Your email address"), not scope names ("email, openid").
  const said = await getTranslations("oidcPages.consent.scopes");
  const { name: instance } = await instanceBranding();
  const seen = (scope: string) => {
    const known = knownScope(scope);
    return known ? said(known, { instance }) : scope;
  };
  const columns: Array<DataColumn<SignedInApp>> = [
    { id: "name", header: t("app"), className: "px-4 py-3 font-medium text-slate-900", cell: (a) => a.name },
    {
      id: "scopes",
      header: t("canSee"),
      className: "px-4 py-3 text-slate-700",
      cell: (a) =>
        a.scopes.length === 0 ? (
          "—"
        ) : (
          <ul className="space-y-0.5">
            {inSayingOrder(a.scopes).map((s) => (
              <li key={s}>{seen(s)}</li>
            ))}
          </ul>
        ),
    },
    { id: "at", header: t("signedIn"), className: "whitespace-nowrap px-4 py-3 text-slate-700", cell: (a) => <RelativeTime date={a.lastSignInAt} /> },
    {
      id: "action",
      header: t("actions"),
      rowActions: true,
      className: "px-4 py-3 text-right",
      cell: (a) => (
        <ConfirmAction
          label={t("revoke")}
          subject={a.name}
          title={t("revokeTitle", { name: a.name })}
          body={t("revokeBody")}
          confirmLabel={t("revoke")}
          action={withdrawAppAccessAction.bind(null, a.clientId)}
        />
      ),
    },
  ];
  return (
    <Card labelledBy="apps-heading">
      <CardHeading id="apps-heading">
        {t("heading")}
      </CardHeading>
      <p className="mt-1 text-sm text-slate-600">{t("description")}</p>
      <div className="mt-3">
        <DataTable label={t("heading")} rows={apps} rowKey={(a) => a.clientId} columns={columns} empty={<p className="text-sm text-slate-600">{t("empty")}</p>} />
      </div>
    </Card>
  );
}
