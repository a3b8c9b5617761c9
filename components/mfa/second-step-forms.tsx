"use client";

import { confirmEnrolmentAction, continueAfterEnrolmentAction, secondStepAction } from "@/app/(public)/login/two-factor/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { RecoveryCodesList } from "./recovery-codes-list";

/** The second step: a code from the authenticator app, or a recovery code. */
export function SecondStepForm({ callbackUrl }: { callbackUrl: string }) {
  const form = useServerForm(secondStepAction, { guardLeave: false });
  const state = form.state;
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        label="Authentication code"
        name="code"
        autoComplete="one-time-code"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        required
        maxLength={64}
        hint="6 digits from your app, or a recovery code"
      />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel="Verifying…">
        Verify
      </SubmitButton>
    </form>
  );
}

/** Set-up during sign-in for someone who must have a second factor: scan, confirm, save the recovery codes, continue. */
export function EnrolmentForm({ callbackUrl, secret, qrCode }: { callbackUrl: string; secret: string | null; qrCode: string | null }) {
  const confirm = useServerForm(confirmEnrolmentAction, { guardLeave: false });
  const proceed = useServerForm(continueAfterEnrolmentAction, { guardLeave: false });
  const codes = confirm.state.status === "success" ? (confirm.state.result?.recoveryCodes ?? "").split("\n") : null;
  if (codes || !secret) {
    return (
      <div className="space-y-4">
        {codes ? (
          <RecoveryCodesList codes={codes} />
        ) : (
          <Alert tone="info">Your authenticator app is set up. Continue to sign in.</Alert>
        )}
        <form {...proceed.formProps}>
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <SubmitButton className="w-full" pending={proceed.pending} pendingLabel="Signing in…">
            Continue
          </SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <form {...confirm.formProps} className="space-y-4">
      {confirm.state.status === "error" && confirm.state.message && <Alert tone="error">{confirm.state.message}</Alert>}
      <TotpSetupDetails secret={secret} qrCode={qrCode} />
      <TextField
        label="Code from the app"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        maxLength={7}
        errors={confirm.state.fieldErrors?.code}
      />
      <SubmitButton className="w-full" pending={confirm.pending} pendingLabel="Checking…">
        Turn on
      </SubmitButton>
    </form>
  );
}

/** The QR code to scan, and the same secret as text for people who can't scan. */
export function TotpSetupDetails({ secret, qrCode }: { secret: string; qrCode: string | null }) {
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">Scan this QR code with an authenticator app (such as 1Password, Google Authenticator or Aegis), then enter the code it shows.</p>
      {qrCode && (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL rendered on our server: nothing to optimise
        <img src={qrCode} alt="QR code for your authenticator app" width={200} height={200} className="mx-auto rounded bg-white p-2 ring-1 ring-slate-200" />
      )}
      <div>
        <label htmlFor="totp-secret" className="block text-sm font-medium text-slate-900">
          Secret key
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
