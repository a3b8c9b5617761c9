import { getTranslations } from "next-intl/server";
import { useAnotherAccountAction } from "@/app/(public)/login/actions";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { PasskeySignIn } from "@/components/auth/passkey-sign-in";
import { ProviderButtons, type ProviderButton } from "@/components/auth/provider-buttons";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ConfirmSignIn } from "@/lib/sign-in/reauthentication";

/**
 * The sign-in page when an app asks the signed-in person to sign in again (lib/sign-in/reauthentication.ts):
 * which app asks, who is signed in, their own ways of signing in, and "Use another account".
 */
export async function ConfirmSignInCard({
  confirm,
  providers,
  callbackUrl,
  problem,
}: {
  confirm: ConfirmSignIn;
  /** The enabled identity providers (the page's list); only the person's own is offered. */
  providers: ProviderButton[];
  callbackUrl: string;
  problem: string | null;
}) {
  const t = await getTranslations("signIn.confirm");
  const { person, methods } = confirm;
  const own = providers.filter((p) => methods.providerIds.includes(p.id));
  const anyMethod = methods.form || methods.passkeys || own.length > 0;
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle", { app: confirm.appName })}>
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          {t("signedInAs")} <strong className="font-semibold text-slate-900">{person.name || person.identifier}</strong>
          {person.name && person.identifier && <span className="block text-slate-500">{person.identifier}</span>}
        </p>
        {problem && <Alert tone="error">{problem}</Alert>}
        {own.length > 0 && <ProviderButtons providers={own} callbackUrl={callbackUrl} />}
        {methods.form && <LoginForm email={person.identifier} identifierFixed callbackUrl={callbackUrl} passkeys={methods.passkeys} />}
        {methods.passkeys && <PasskeySignIn callbackUrl={callbackUrl} autofill={methods.form} />}
        {!anyMethod && <Alert tone="info">{t("noMethod")}</Alert>}
        <form action={useAnotherAccountAction} className="border-t border-slate-200 pt-4 text-center">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <SubmitButton variant="ghost" pendingLabel={t("signingOut")}>
            {t("otherAccount")}
          </SubmitButton>
        </form>
      </div>
    </AuthCard>
  );
}
