"use client";

import { useTranslations } from "next-intl";
import { confirmEnrolmentAction, continueAfterEnrolmentAction, secondStepAction } from "@/app/(public)/login/two-factor/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import { RecoveryCodesList } from "./recovery-codes-list";

/** The second step: a code from the authenticator app, or a recovery code. */
export function SecondStepForm({ callbackUrl }: { callbackUrl: string }) {
  const form = useServerForm(secondStepAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("mfa.secondStep");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        label={t("codeLabel")}
        name="code"
        autoComplete="one-time-code"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        required
        maxLength={64}
        hint={t("codeHint")}
        errors={state.fieldErrors?.code}
      />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("verifying")}>
        {t("verify")}
      </SubmitButton>
    </form>
  );
}

/** Set-up during sign-in with the authenticator app: scan, confirm with a code; the recovery codes go to `onCodes`. */
export function AppEnrolmentForm({ secret, qrCode, onCodes }: { secret: string; qrCode: string | null; onCodes: (codes: string[]) => void }) {
  const confirm = useServerForm(
    async (prev: FormState, data: FormData): Promise<FormState> => {
      const state = await confirmEnrolmentAction(prev, data);
      if (state.status === "success") onCodes((state.result?.recoveryCodes ?? "").split("\n"));
      return state;
    },
    { guardLeave: false },
  );
  const t = useTranslations("mfa.secondStep");
  return (
    <form {...confirm.formProps} className="space-y-4">
      {confirm.state.status === "error" && confirm.state.message && <Alert tone="error">{confirm.state.message}</Alert>}
      <TotpSetupDetails secret={secret} qrCode={qrCode} />
      <TextField
        label={t("code")}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        maxLength={7}
        errors={confirm.state.fieldErrors?.code}
      />
      <SubmitButton className="w-full" pending={confirm.pending} pendingLabel={t("checking")}>
        {t("turnOn")}
      </SubmitButton>
    </form>
  );
}

/** After set-up: the recovery codes (shown once; none after a reload, only that set-up is done), then the session. */
export function ContinueAfterEnrolment({ callbackUrl, codes, readyText }: { callbackUrl: string; codes: string[] | null; readyText: string }) {
  const proceed = useServerForm(continueAfterEnrolmentAction, { guardLeave: false });
  const t = useTranslations("mfa.secondStep");
  return (
    <div className="space-y-4">
      {codes ? <RecoveryCodesList codes={codes} /> : <Alert tone="info">{readyText}</Alert>}
      <form {...proceed.formProps}>
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <SubmitButton className="w-full" pending={proceed.pending} pendingLabel={t("signingIn")}>
          {t("continue")}
        </SubmitButton>
      </form>
    </div>
  );
}

/** The QR code to scan, and the same secret as text for people who can't scan. */
export function TotpSetupDetails({ secret, qrCode }: { secret: string; qrCode: string | null }) {
  const t = useTranslations("mfa.secondStep");
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">{t("scan")}</p>
      {qrCode && (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL rendered on our server: nothing to optimise
        <img src={qrCode} alt={t("qrAlt")} width={200} height={200} className="mx-auto rounded bg-white p-2 ring-1 ring-slate-200" />
      )}
      <div>
        <label htmlFor="totp-secret" className="block text-sm font-medium text-slate-900">
          {t("secret")}
        </label>
        <input
          id="totp-secret"
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          className="mt-1 block w-full rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300"
        />
      </div>
    </div>
  );
}
