import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { PasskeySignIn } from "@/components/auth/passkey-sign-in";
import { ForcedSetup } from "@/components/mfa/forced-setup";
import { SecondStepForm } from "@/components/mfa/second-step-forms";
import { Alert } from "@/components/ui/alert";
import { secondStepToken } from "@/lib/sign-in/second-step-cookie";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { pendingStep, startEnrolment } from "@/lib/mfa/second-step";
import { passkeysAvailableForStep } from "@/lib/mfa/second-step-enrol-passkey";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";
import { secondStepPasskeyAction, secondStepPasskeyOptionsAction } from "./actions";
import { localPath } from "@/lib/http/local-path";

export const generateMetadata = titled("twoFactor");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SecondStepPage({ searchParams }: { searchParams: SearchParams }) {
  const callbackUrl = localPath(first((await searchParams).callbackUrl));
  const token = await secondStepToken();
  const step = await pendingStep(token);
  // A pending step is a password just proved in this browser: asked even while a session lives, when an app
  // asked the signed-in person to confirm it's them (the new session replaces that one).
  if (!token || !step) redirect((await sessionActor()) ? "/" : "/login?error=second_step_expired");
  const t = await getTranslations("publicPages.twoFactor");
  if (step.enrol) {
    const setup = step.verified ? null : await startEnrolment(token);
    const passkeys = !step.verified && (await passkeysAvailableForStep(token));
    return (
      <AuthCard title={t("enrolTitle")} subtitle={step.verified ? undefined : passkeys ? (await getTranslations("forcedSetup"))("subtitle") : t("enrolSubtitle")}>
        <ForcedSetup callbackUrl={callbackUrl} secret={setup?.secret ?? null} qrCode={setup?.qrCode ?? null} passkeys={passkeys} />
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title={t("title")}
      subtitle={step.totp ? t("enterTotp") : step.passkeys ? t("usePasskeyToContinue") : t("enterRecovery")}
    >
      <div className="space-y-4">
        {!step.totp && !step.passkeys && <Alert tone="info">{t("enterRecovery")}</Alert>}
        {step.passkeys && (
          <PasskeySignIn
            callbackUrl={callbackUrl}
            autofill={false}
            optionsAction={secondStepPasskeyOptionsAction}
            signInAction={secondStepPasskeyAction}
            field="passkey"
            label={t("usePasskey")}
          />
        )}
        <SecondStepForm callbackUrl={callbackUrl} />
        <p className="text-sm text-slate-600">
          {t("lostDevice")} <a href="/login" className="font-medium text-indigo-700 underline">{t("startOver")}</a>
        </p>
      </div>
    </AuthCard>
  );
}
