import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmSignInCard } from "@/components/auth/confirm-sign-in";
import { LoginForm } from "@/components/auth/login-form";
import { PasskeySignIn } from "@/components/auth/passkey-sign-in";
import { ProviderButtons } from "@/components/auth/provider-buttons";
import { Alert } from "@/components/ui/alert";
import { SECOND_STEP_DUE } from "@/lib/sign-in/nextauth";
import { confirmSignInFor } from "@/lib/sign-in/reauthentication";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { signInPrefill } from "@/lib/sign-in/sign-in-as-cookie";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { proxySignInAvailable } from "@/lib/idp/trusted-header";
import { passkeySignInAvailable } from "@/lib/sign-in/passkey-sign-in";
import { isSetupRequired } from "@/lib/instance/account";
import { credentialsMessage, signInErrorMessage } from "./messages";
import { titled } from "@/i18n/titles";
import { localPath } from "@/lib/http/local-path";

export const generateMetadata = titled("signIn");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);


export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  if (await isSetupRequired()) redirect("/setup");
  const params = await searchParams;
  const callbackUrl = localPath(first(params.callbackUrl));
  // Signed in already: the dashboard, unless an app's sign-in on its way back asks this person to confirm it's them.
  const actor = await sessionActor();
  const confirm = actor ? await confirmSignInFor(actor, callbackUrl) : null;
  if (actor && !confirm) redirect("/");
  const t = await getTranslations("signIn");
  const error = first(params.error);
  // Behind a trusted proxy that names the person, go straight through, unless that just failed or they signed out.
  if (!error && first(params.signed_out) !== "1" && (await proxySignInAvailable(await headers()))) {
    redirect(`/auth/proxy?${new URLSearchParams({ callbackUrl })}`);
  }
  // two-factor: a password posted straight to Auth.js that was right comes back with this code.
  if (error === "CredentialsSignin" && first(params.code) === SECOND_STEP_DUE) redirect(`/login/two-factor?${new URLSearchParams({ callbackUrl })}`);
  const options = await signInOptions();
  const providerId = first(params.provider);
  const providerName = options.providers.find((p) => p.id === providerId)?.name ?? null;
  // A sign-in posted straight to Auth.js (not through the form's action) comes back here with its code.
  const problem =
    error === "CredentialsSignin"
      ? await credentialsMessage(first(params.code), options.ldapEnabled)
      : await signInErrorMessage(error, providerName);
  const providers = options.providers.map((p) => ({ id: p.id, name: p.name, type: p.type }));
  if (confirm) return <ConfirmSignInCard confirm={confirm} providers={providers} callbackUrl={callbackUrl} problem={problem} />;
  const notice =
    first(params.setup) === "done"
      ? t("notice.setupDone")
      : first(params.invited) === "1"
        ? t("notice.invited")
        : first(params.reset) === "1"
          ? t("notice.reset")
          : null;
  const showForm = options.localLoginEnabled || options.ldapEnabled;
  const passkeys = await passkeySignInAvailable();
  return (
    <AuthCard title={t("title")}>
      <div className="space-y-4">
        {notice && <Alert tone="success">{notice}</Alert>}
        {!notice && first(params.ended) === "1" && <Alert tone="info">{t("notice.ended")}</Alert>}
        {problem && <Alert tone="error">{problem}</Alert>}
        {providers.length > 0 && <ProviderButtons providers={providers} callbackUrl={callbackUrl} />}
        {providers.length > 0 && showForm && (
          <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500" role="separator">
            <span className="h-px flex-1 bg-slate-200" />
            {t("or")}
            <span className="h-px flex-1 bg-slate-200" />
          </div>
        )}
        {showForm && <LoginForm email={await signInPrefill()} callbackUrl={callbackUrl} usernames={options.ldapEnabled} passkeys={passkeys} />}
        {passkeys && <PasskeySignIn callbackUrl={callbackUrl} autofill={showForm} />}
        {options.localLoginEnabled && <p className="text-center text-sm"><Link href="/forgot-password" className="py-1.5 font-medium text-indigo-600 hover:text-indigo-500">{t("forgotPassword")}</Link></p>}
        {!showForm && !passkeys && providers.length === 0 && (
          <Alert tone="info">{t("noMethod")}</Alert>
        )}
      </div>
    </AuthCard>
  );
}
