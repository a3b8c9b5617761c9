import type { Metadata } from "next";
import { routeId } from "@/app/page-params";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteApplicationButton, RotateSecretButton } from "@/components/applications/application-actions";
import { ApplicationForm } from "@/components/applications/application-form";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";
import { IssuerPanel } from "@/components/applications/issuer-panel";
import { NoSecretNote } from "@/components/applications/no-secret-note";
import { EmptyState } from "@/components/shell/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { discoveryUrl, issuerUrl } from "@/lib/applications/issuer";
import { getApplication, recentSignIns } from "@/lib/applications/queries";
import { accessOf } from "@/lib/applications/records";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { NotFound } from "@/lib/errors";
import { groupNamesFor } from "@/lib/groups/queries";
import { getTranslations } from "next-intl/server";
import { cardClasses } from "@/components/ui/card";
import { namedTitle, titled } from "@/i18n/titles";
import { cache } from "react";

/** The application as this request's actor may see it (null without applications:read), or Next's 404 page; read once for title and page. */
const loadApplication = cache(async (id: string) => {
  const actor = await pageActor();
  if (!can(actor, "applications:read")) return { actor, app: null };
  const app = await getApplication(actor, id).catch((err: unknown) => {
    if (err instanceof NotFound) notFound();
    throw err;
  });
  return { actor, app };
});

/** "Grafana · Applications · Settings · Latchkey": which app, in the title a screen reader says first. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { app } = await loadApplication(await routeId(params));
  return app ? namedTitle("applicationNamed", app.name) : titled("application")();
}

export default async function ApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor, app } = await loadApplication(await routeId(params));
  if (!app) return null;
  const [issuer, names, signIns] = await Promise.all([issuerUrl(), groupNamesFor(actor), recentSignIns(actor, app.id)]);
  // The app's own groups are offered even to someone who can't see every group, so a save never drops them unseen.
  for (const g of app.allowedGroups) names.set(g.id, g.name);
  const groups = [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  const t = await getTranslations("applicationsPage");
  return (
    <section aria-labelledby="application-heading" className="space-y-6">
      <nav aria-label={t("breadcrumb")} className="text-sm">
        <Link href="/settings/applications" className="py-1.5 text-slate-600 underline hover:text-slate-900">
          {t("title")}
        </Link>
      </nav>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h2 id="application-heading" className="min-w-0 break-words text-base font-semibold text-slate-900">
          {app.name}
        </h2>
        <div className="flex flex-wrap gap-2">
          {app.type === "web" && app.clientSecretId && can(actor, "applications:update") && <RotateSecretButton id={app.id} name={app.name} secretId={app.clientSecretId} />}
          {can(actor, "applications:delete") && <DeleteApplicationButton id={app.id} name={app.name} />}
        </div>
      </div>
      {!can(actor, "applications:update") && <Alert tone="info">{t("readOnly")}</Alert>}
      {accessOf(app) === "nobody" && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
          {t("nobodyNote")}
        </p>
      )}
      <div className={cardClasses({ compact: true, className: "grid gap-3 lg:grid-cols-2" })}>
        <CopyField label={t("clientId")} value={app.clientId} />
        <div>
          <p className="text-sm font-medium text-slate-900">{t("clientSecret")}</p>
          <p className="mt-1 text-sm text-slate-700">
            {app.hasClientSecret ? t(can(actor, "applications:update") ? "secretSet" : "secretSetReadOnly") : <NoSecretNote type={app.type === "device" ? "device" : "spa"} />}
          </p>
        </div>
      </div>
      <IssuerPanel issuer={issuer} discovery={issuer ? discoveryUrl(issuer) : null} canSetEmail={can(actor, "settings:email")} />
      <div className={cardClasses({ compact: true })}>
        <h3 className="mb-4 text-sm font-semibold text-slate-900">{t("settings")}</h3>
        <ApplicationForm
          id={app.id}
          app={{
            name: app.name,
            type: app.type,
            redirectUris: app.redirectUris,
            postLogoutRedirectUris: app.postLogoutRedirectUris,
            access: accessOf(app),
            allowedGroupIds: app.allowedGroups.map((g) => g.id),
            accessTokenTtlSeconds: app.accessTokenTtlSeconds,
            refreshTokenTtlSeconds: app.refreshTokenTtlSeconds,
            requireConsent: app.requireConsent,
            idTokenSignedResponseAlg: app.idTokenSignedResponseAlg,
          }}
          groups={groups}
          canSave={can(actor, "applications:update")}
        />
      </div>
      <section aria-labelledby="sign-ins-heading" className="space-y-2">
        <h3 id="sign-ins-heading" className="text-sm font-semibold text-slate-900">
          {t("recentSignIns")}
        </h3>
        {signIns === null ? (
          <p className="text-sm text-slate-600">{t("signInsHidden")}</p>
        ) : signIns.length === 0 ? (
          <EmptyState title={t("noSignIns")}>{t("noSignInsBody", { name: app.name })}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            {signIns.map((signIn) => (
              <li key={signIn.id} className="flex flex-wrap justify-between gap-2 px-4 py-2 text-sm">
                {signIn.href ? (
                  <Link href={signIn.href} className="font-medium text-indigo-700 hover:underline">
                    {signIn.name}
                  </Link>
                ) : (
                  <span className="font-medium text-slate-900">{signIn.name}</span>
                )}
                <span className="text-slate-600">
                  <RelativeTime date={signIn.at} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
