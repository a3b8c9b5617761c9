import Link from "next/link";
import { redirect } from "next/navigation";
import { ProvidersTable } from "@/components/idp/providers-table";
import { UsernameChangeSetting } from "@/components/idp/username-change-setting";
import { LocalSignInToggle } from "@/components/idp/provider-actions";
import { EmptyState } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { listProviders } from "@/lib/idp/providers";
import { getSignInSettings } from "@/lib/idp/sign-in-settings";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("identityProviders");

export default async function IdentityProvidersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "identity_providers:read")) return null;
  const [providers, settings] = await Promise.all([listProviders(actor), getSignInSettings(actor)]);
  const canManage = can(actor, "settings:sign_in");
  const deleted = (await searchParams).deleted === "1";
  return (
    <div className="space-y-8">
      {deleted && <Alert tone="success">Identity provider deleted.</Alert>}
      <section aria-labelledby="local-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div className="flex flex-wrap items-center justify-between gap-4">
          <div>
            <h2 id="local-heading" className="text-base font-semibold text-slate-900">
              Email and password
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              {settings.localLoginEnabled
                ? "On: local users sign in with their email and password, beside the providers below."
                : "Off: the sign-in page shows only the identity providers (and LDAP, when on)."}
            </p>
          </div>
          {canManage && <LocalSignInToggle enabled={settings.localLoginEnabled} />}
        </div>
      </section>

      <section aria-labelledby="usernames-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="usernames-heading" className="text-base font-semibold text-slate-900">
          Usernames
        </h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">Everyone has a username, unique here; people sign in with it or with their email.</p>
        <UsernameChangeSetting allowed={settings.usersMayChangeUsername} canManage={canManage} />
      </section>

      <section aria-labelledby="providers-heading" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <h2 id="providers-heading" className="text-base font-semibold text-slate-900">
              OpenID Connect providers
            </h2>
            <p className="mt-1 text-sm text-slate-600">Google, Microsoft Entra ID, Okta or any OpenID Connect provider. Each enabled one gets a button on the sign-in page.</p>
          </div>
          {canManage && (
            <Link href="/settings/identity-providers/new" className={buttonClasses("primary")}>
              Add Provider
            </Link>
          )}
        </div>
        {providers.length === 0 ? (
          <EmptyState title="No identity providers yet">{canManage ? "Add one with Add Provider." : "The owner can add them."}</EmptyState>
        ) : (
          <ProvidersTable providers={providers} canManage={canManage} />
        )}
      </section>
    </div>
  );
}
