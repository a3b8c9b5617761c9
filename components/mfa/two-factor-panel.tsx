"use client";

import { useState, useTransition } from "react";
import {
  confirmTotpSetupAction,
  regenerateRecoveryCodesAction,
  removeTotpAction,
  startTotpSetupAction,
} from "@/app/(dashboard)/profile/two-factor-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import { PasskeysPanel, type PasskeyItem } from "./passkeys-panel";
import { RecoveryCodesList } from "./recovery-codes-list";
import { RemoveFactorForm } from "./remove-factor-form";
import { TotpSetupDetails } from "./second-step-forms";

type Props = {
  totp: boolean;
  totpLastUsedAt: string | null;
  recoveryCodesLeft: number;
  lowOnCodes: boolean;
  hasLocalPassword: boolean;
  passkeys: PasskeyItem[];
  passkeysAvailable: boolean;
  passkeysUnavailableMessage: string;
};

/** The person's own factors: the authenticator app, passkeys, and new recovery codes. */
export function TwoFactorPanel({ totp, totpLastUsedAt, recoveryCodesLeft, lowOnCodes, hasLocalPassword, passkeys, passkeysAvailable, passkeysUnavailableMessage }: Props) {
  const [setup, setSetup] = useState<{ secret: string; qrCode: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [removing, setRemoving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, startTransition] = useTransition();

  const run = (action: () => Promise<FormState>, then: (state: FormState) => void) =>
    startTransition(async () => {
      const state = await action();
      if (state.status === "error") setProblem(state.message ?? "Something went wrong");
      else {
        setProblem(null);
        then(state);
      }
    });

  return (
    <div className="mt-4 space-y-4">
      {problem && <Alert tone="error">{problem}</Alert>}
      {lowOnCodes && !codes && (
        <Alert tone="info">
          You have {recoveryCodesLeft === 0 ? "no" : `only ${recoveryCodesLeft}`} recovery {recoveryCodesLeft === 1 ? "code" : "codes"} left. Make new ones.
        </Alert>
      )}
      {codes && (
        <div className="space-y-3">
          <RecoveryCodesList codes={codes} />
          <Button onClick={() => setCodes(null)}>Done</Button>
        </div>
      )}

      <div className="rounded-md p-4 ring-1 ring-slate-200">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Authenticator app</h3>
            <p className="text-sm text-slate-600">
              {totp ? (
                <>
                  On · last used <RelativeTime date={totpLastUsedAt} />
                </>
              ) : (
                "Off"
              )}
            </p>
          </div>
          {!totp && !setup && (
            <Button disabled={busy} onClick={() => run(startTotpSetupAction, (s) => setSetup({ secret: s.result!.secret, qrCode: s.result!.qrCode }))}>
              Set up authenticator app
            </Button>
          )}
          {totp && !removing && (
            <Button variant="secondary" onClick={() => setRemoving(true)}>
              Remove authenticator app
            </Button>
          )}
        </div>
        {setup && !totp && (
          <ConfirmSetup
            setup={setup}
            onDone={(issued) => {
              setSetup(null);
              if (issued) setCodes(issued);
            }}
            onCancel={() => setSetup(null)}
          />
        )}
        {removing && totp && <RemoveTotp hasLocalPassword={hasLocalPassword} onDone={() => setRemoving(false)} />}
      </div>

      <PasskeysPanel
        passkeys={passkeys}
        available={passkeysAvailable}
        unavailableMessage={passkeysUnavailableMessage}
        hasLocalPassword={hasLocalPassword}
        hasTotp={totp}
        onRecoveryCodes={setCodes}
      />

      {(totp || passkeys.length > 0 || recoveryCodesLeft > 0) && (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-md p-4 ring-1 ring-slate-200">
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Recovery codes</h3>
            <p className="text-sm text-slate-600">{recoveryCodesLeft} of 10 left</p>
          </div>
          <Button variant="secondary" disabled={busy} onClick={() => run(regenerateRecoveryCodesAction, (s) => setCodes(s.result!.recoveryCodes.split("\n")))}>
            Generate new recovery codes
          </Button>
        </div>
      )}
    </div>
  );
}

function ConfirmSetup({ setup, onDone, onCancel }: { setup: { secret: string; qrCode: string }; onDone: (codes: string[] | null) => void; onCancel: () => void }) {
  const form = useServerForm(async (prev: FormState, data: FormData) => {
    const state = await confirmTotpSetupAction(prev, data);
    if (state.status === "success") onDone(state.result?.recoveryCodes ? state.result.recoveryCodes.split("\n") : null);
    return state;
  }, { guardLeave: false });
  return (
    <form {...form.formProps} className="mt-4 max-w-sm space-y-4">
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      <TotpSetupDetails secret={setup.secret} qrCode={setup.qrCode} />
      <TextField label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={7} errors={form.state.fieldErrors?.code} />
      <div className="flex gap-2">
        <SubmitButton pending={form.pending} pendingLabel="Checking…">
          Turn on
        </SubmitButton>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RemoveTotp({ hasLocalPassword, onDone }: { hasLocalPassword: boolean; onDone: () => void }) {
  return (
    <RemoveFactorForm action={removeTotpAction} onDone={onDone} hasLocalPassword={hasLocalPassword} askCode submitLabel="Remove" className="mt-4 max-w-sm space-y-4" />
  );
}
