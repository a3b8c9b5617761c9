"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import {
  confirmTotpSetupAction,
  regenerateRecoveryCodesAction,
  removeTotpAction,
  startTotpSetupAction,
} from "@/app/(dashboard)/profile/two-factor-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useFocusBack } from "@/components/ui/focus";
import { RelativeTime } from "@/components/ui/relative-time";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { PasskeysPanel, type PasskeyItem } from "./passkeys-panel";
import { ProofForm } from "./proof-fields";
import { RecoveryCodesList } from "./recovery-codes-list";
import { KeptFactorNote, KeptFactorRemove } from "./kept-factor";
import { RemoveFactorForm } from "./remove-factor-form";
import { TotpSetupDetails } from "./second-step-forms";

type Props = {
  totp: boolean;
  totpLastUsedAt: string | null;
  recoveryCodesLeft: number;
  lowOnCodes: boolean;
  /** What proves it's the person before their factors change (lib/mfa/proof.ts). */
  proof: ProofKind;
  passkeys: PasskeyItem[];
  passkeysAvailable: boolean;
  passkeysUnavailableMessage: string;
  /** Two-factor sign-in is required for the person (Settings → Security): their last factor can't be removed. */
  required: boolean;
};

/** The person's own factors: the authenticator app, passkeys, and new recovery codes. */
export function TwoFactorPanel({ totp, totpLastUsedAt, recoveryCodesLeft, lowOnCodes, proof, passkeys, passkeysAvailable, passkeysUnavailableMessage, required }: Props) {
  // The one factor left of someone the requirement covers: its Remove says why it is refused (./kept-factor.tsx).
  const lastKept = required && (totp ? 1 : 0) + passkeys.length === 1;
  const [setup, setSetup] = useState<{ secret: string; qrCode: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [removing, setRemoving] = useState(false);
  // Setting up the app and new recovery codes first ask for the proof (ProofForm).
  const [proving, setProving] = useState<"setup" | "codes" | null>(null);
  const t = useTranslations("mfa");
  // Cancel (or a step that ends) puts the focus back on the button that opened it.
  // The app's one button: Set up while it is off, Remove once on. One element for both, so the focus on it
  // stays when setting up turns the app on (two buttons dropped it to the page as one replaced the other).
  const appButton = useRef<HTMLButtonElement>(null);
  const codesButton = useRef<HTMLButtonElement>(null);
  useFocusBack(proving === "setup" || setup !== null, appButton);
  useFocusBack(removing, appButton);
  useFocusBack(proving === "codes", codesButton);
  // Done closes the new codes: the focus goes back to the control that asked for them (Generate, Add passkey),
  // which has it while they are shown; after setting up the app (its step is gone), to the app's button.
  const codesOpener = useRef<HTMLElement | null>(null);
  const codesShown = codes !== null;
  useEffect(() => {
    if (!codesShown) return;
    const active = document.activeElement;
    codesOpener.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }, [codesShown]);
  const backFromCodes = useMemo(
    () => ({
      get current(): HTMLElement | null {
        return codesOpener.current?.isConnected ? codesOpener.current : appButton.current;
      },
    }),
    [],
  );
  useFocusBack(codesShown, backFromCodes);

  return (
    <div className="mt-4 space-y-4">
      {lowOnCodes && !codes && (
        <Alert tone="info">{recoveryCodesLeft === 0 ? t("noCodesLeft") : t("fewCodesLeft", { count: recoveryCodesLeft })}</Alert>
      )}
      {codes && (
        <div className="space-y-3">
          <RecoveryCodesList codes={codes} />
          <Button onClick={() => setCodes(null)}>{t("done")}</Button>
        </div>
      )}

      <div className="rounded-md p-4 ring-1 ring-slate-200">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h3 className="text-sm font-semibold text-slate-900">{t("app.heading")}</h3>
            <p className="text-sm text-slate-600">
              {totp ? (
                <>
                  {t("app.on")} <RelativeTime date={totpLastUsedAt} />
                </>
              ) : (
                t("app.off")
              )}
            </p>
          </div>
          {totp && lastKept && <KeptFactorRemove label={t("app.remove")} noteId="app-kept-note" />}
          {!(totp && lastKept) && (totp ? !removing : !setup && proving !== "setup") && (
            <Button ref={appButton} variant={totp ? "secondary" : "primary"} onClick={() => (totp ? setRemoving(true) : setProving("setup"))}>
              {totp ? t("app.remove") : t("app.setUp")}
            </Button>
          )}
        </div>
        {totp && lastKept && <KeptFactorNote id="app-kept-note" />}
        {proving === "setup" && !totp && (
          <ProofForm
            proof={proof}
            action={startTotpSetupAction}
            onDone={(s) => {
              setProving(null);
              setSetup({ secret: s.result!.secret, qrCode: s.result!.qrCode });
            }}
            onCancel={() => setProving(null)}
            submitLabel={t("continue")}
            pendingLabel={t("app.checking")}
            ids={{ password: "totp-setup-password", code: "totp-setup-code" }}
          />
        )}
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
        {removing && totp && <RemoveTotp proof={proof} onDone={() => setRemoving(false)} />}
      </div>

      <PasskeysPanel
        passkeys={passkeys}
        available={passkeysAvailable}
        unavailableMessage={passkeysUnavailableMessage}
        proof={proof}
        onRecoveryCodes={setCodes}
        lastKept={lastKept && !totp}
      />

      {(totp || passkeys.length > 0 || recoveryCodesLeft > 0) && (
        <div className="rounded-md p-4 ring-1 ring-slate-200">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div>
              <h3 className="text-sm font-semibold text-slate-900">{t("recovery.heading")}</h3>
              <p className="text-sm text-slate-600">{t("recovery.left", { count: recoveryCodesLeft })}</p>
            </div>
            {proving !== "codes" && (
              <Button ref={codesButton} variant="secondary" onClick={() => setProving("codes")}>
                {t("recovery.generate")}
              </Button>
            )}
          </div>
          {proving === "codes" && (
            <ProofForm
              proof={proof}
              action={regenerateRecoveryCodesAction}
              onDone={(s) => {
                setProving(null);
                setCodes(s.result!.recoveryCodes.split("\n"));
              }}
              onCancel={() => setProving(null)}
              submitLabel={t("recovery.generateSubmit")}
              pendingLabel={t("recovery.generating")}
              ids={{ password: "recovery-codes-password", code: "recovery-codes-code" }}
            >
              <p className="text-sm text-slate-700">{t("recovery.generateQuestion")}</p>
            </ProofForm>
          )}
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
  }, { guardLeave: false, focusOnOpen: true });
  const t = useTranslations("mfa.app");
  const common = useTranslations("common");
  return (
    <form {...form.formProps} className="mt-4 max-w-sm space-y-4">
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      <TotpSetupDetails secret={setup.secret} qrCode={setup.qrCode} />
      <TextField label={t("code")} name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={7} errors={form.state.fieldErrors?.code} />
      <div className="flex gap-2">
        <SubmitButton pending={form.pending} pendingLabel={t("checking")}>
          {t("turnOn")}
        </SubmitButton>
        <Button variant="secondary" onClick={onCancel}>
          {common("cancel")}
        </Button>
      </div>
    </form>
  );
}

function RemoveTotp({ proof, onDone }: { proof: ProofKind; onDone: () => void }) {
  const t = useTranslations("mfa.app");
  return (
    <RemoveFactorForm action={removeTotpAction} onDone={onDone} proof={proof} submitLabel={t("removeSubmit")} className="mt-4 max-w-sm space-y-4" />
  );
}
