import { headers } from "next/headers";
import { routeId } from "@/app/page-params";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { DeleteProviderButton, ToggleProviderButton } from "@/components/idp/provider-actions";
import { ProviderForm } from "@/components/idp/provider-form";
import { Alert } from "@/components/ui/alert";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import type { SessionActor } from "@/lib/auth/actor";
import { NotFound, sayMessage } from "@/lib/errors";
import { groupChoicesOf } from "@/lib/groups/queries";
import { publicOrigin } from "@/lib/idp/api-shape";
import { redirectUrl } from "@/lib/idp/callback-url";
import { getProvider, type ProviderRecord } from "@/lib/idp/providers";
import { testSavedProvider } from "@/lib/idp/provider-test";
import { namedTitle, titled } from "@/i18n/titles";
import type { Metadata } from "next";
import { cache } from "react";
import { getTranslations } from "next-intl/server";

/** The provider as this request's actor may see it (null without identity_providers:read), or Next's 404 page; read once for title and page. */
const loadProvider = cache(async (id: string): Promise<{ actor: SessionActor; provider: ProviderRecord | null }> => {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "identity_providers:read")) return { actor, provider: null };
  try {
    return { actor, provider: await getProvider(actor, id) };
  } catch (err) {
    if (err instanceof NotFound) notFound();
    throw err;
  }
});

/** "Test IdP · Identity providers · Settings · Latchkey": which provider, in the title a screen reader says first. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { provider } = await loadProvider(await routeId(params));
  return provider ? namedTitle("identityProviderNamed", provider.name) : titled("identityProvider")();
}

export default async function ProviderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const id = await routeId(params);
  const { actor, provider } = await loadProvider(id);
  if (!provider) return null;
  const created = (await searchParams).created === "1";
  const canManage = can(actor, "settings:sign_in");
  // Just added: Test connection on what was saved, so an owner who skipped (or ignored) it hears here, not from the
  // people on the sign-in page, that Latchkey can't reach the provider (review 20) or that it refuses the client ID
  // or secret (review 21: every sign-in then failed at the token exchange).
  const check = created && provider.enabled && canManage ? await testSavedProvider(actor, provider) : null;
  const t = await getTranslations("providersPage");
  const groups = await groupChoicesOf(actor.accountId);
  return (
    <div className="space-y-4">
      <Link href="/settings/identity-providers" className="py-1.5 text-sm font-medium text-indigo-600 hover:text-indigo-500">
        {t("backToList")}
      </Link>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h2 className="text-xl font-semibold text-slate-900">{provider.name}</h2>
        {canManage && (
          <div className="flex gap-2">
            <ToggleProviderButton provider={provider} />
            <DeleteProviderButton provider={provider} />
          </div>
        )}
      </div>
      {created && (
        <RedirectNotice param="created">
          {provider.enabled ? t("createdEnabled", { name: provider.name }) : t("created", { name: provider.name })}
        </RedirectNotice>
      )}
      {check && !check.ok && (
        <Alert tone="error">
          {t(check.field === "issuer" ? "createdUnreachable" : "createdClientRefused", { name: provider.name, reason: sayMessage(await getTranslations("serverMessages"), check.ref) })}
        </Alert>
      )}
      <ProviderForm
        providerId={provider.id}
        isNew={false}
        readOnly={!canManage}
        redirectUrl={redirectUrl(publicOrigin(await headers()), provider.id)}
        groups={groups}
        initial={{
          type: provider.type,
          name: provider.name,
          issuer: provider.issuer,
          clientId: provider.clientId,
          scopes: provider.scopes,
          enabled: provider.enabled,
          signupPolicy: provider.signupPolicy,
          allowedDomains: provider.allowedDomains,
          defaultRole: provider.defaultRole,
          autoGroups: provider.autoGroups,
          allowLinking: provider.allowLinking,
          allowInternalAddresses: provider.allowInternalAddresses,
          requireApproval: provider.requireApproval,
        }}
      />
    </div>
  );
}
