import Link from "next/link";
import { redirect } from "next/navigation";
import { ProvidersTable } from "@/components/idp/providers-table";
import { UsernameChangeSetting } from "@/components/idp/username-change-setting";
import { HeldBackUsernames } from "@/components/idp/held-back-usernames";
import { mayListHeldBack } from "@/lib/users/retired-usernames";
import { firstValues, type SearchParams } from "@/app/page-params";
import { LocalSignInToggle } from "@/components/idp/provider-actions";
import { EmptyState, SectionHeader } from "@/components/shell/page-header";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { buttonClasses } from "@/components/ui/button";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { listProviders } from "@/lib/idp/providers";
import { getSignInSettings } from "@/lib/idp/sign-in-settings";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";
import { Card, CardHeading } from "@/components/ui/card";

export const generateMetadata = titled("identityProviders");

export default async function IdentityProvidersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "identity_providers:read")) return null;
  const [providers, settings] = await Promise.all([listProviders(actor), getSignInSettings(actor)]);
  const canManage = can(actor, "settings:sign_in");
  const query = firstValues(await searchParams);
  const deleted = query.deleted === "1";
  const t = await getTranslations("providersPage");
  return (
    <div className="space-y-8">
      {deleted && <RedirectNotice param="deleted">{t("deleted")}</RedirectNotice>}
      <Card labelledBy="local-heading">
        <SectionHeader
          id="local-heading"
          title={t("localHeading")}
          description={settings.localLoginEnabled ? t("localOnState") : t("localOffState")}
          actions={canManage && <LocalSignInToggle enabled={settings.localLoginEnabled} />}
        />
      </Card>

      <Card labelledBy="usernames-heading">
        <CardHeading id="usernames-heading">
          {t("usernamesHeading")}
        </CardHeading>
        <p className="mb-4 mt-1 text-sm text-slate-600">{t("usernamesBody")}</p>
        <UsernameChangeSetting allowed={settings.usersMayChangeUsername} canManage={canManage} />
        {mayListHeldBack(actor) && <HeldBackUsernames actor={actor} query={query} />}
      </Card>

      <section aria-labelledby="providers-heading" className="space-y-4">
        <SectionHeader
          id="providers-heading"
          title={t("oidcHeading")}
          description={t("oidcBody")}
          align="end"
          actions={
            canManage && (
              <Link href="/settings/identity-providers/new" className={buttonClasses("primary")}>
                {t("addProvider")}
              </Link>
            )
          }
        />
        {providers.length === 0 ? (
          <EmptyState title={t("none")}>{canManage ? t("noneAdd") : t("noneAsk")}</EmptyState>
        ) : (
          <ProvidersTable providers={providers} canManage={canManage} />
        )}
      </section>
    </div>
  );
}
