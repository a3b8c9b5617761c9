"use client";

import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { finishPasskeyRegistrationAction, removePasskeyAction, renamePasskeyAction, startPasskeyRegistrationAction } from "@/app/(dashboard)/profile/passkey-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useFocusBack } from "@/components/ui/focus";
import { RelativeTime } from "@/components/ui/relative-time";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { ProofFields } from "./proof-fields";
import { KeptFactorNote, KeptFactorRemove } from "./kept-factor";
import { RemoveFactorForm } from "./remove-factor-form";
import { PASSKEY_NAME_MAX } from "@/lib/mfa/limits";

export type PasskeyItem = { id: string; name: string; createdAt: string; lastUsedAt: string | null };

type Props = {
  passkeys: PasskeyItem[];
  /** A public address is configured (else the reason is shown). */
  available: boolean;
  unavailableMessage: string;
  /** What proves it's the person before adding or removing one (lib/mfa/proof.ts). */
  proof: ProofKind;
  onRecoveryCodes: (codes: string[]) => void;
  /** The one passkey is the person's last factor and two-factor is required for them: it stays (./kept-factor.tsx). */
  lastKept?: boolean;
};

/** Profile → Two-factor authentication → Passkeys: add (named), rename, remove. */
export function PasskeysPanel({ passkeys, available, unavailableMessage, proof, onRecoveryCodes, lastKept = false }: Props) {
  const [adding, setAdding] = useState(false);
  const [supported, setSupported] = useState(true);
  useEffect(() => setSupported(browserSupportsWebAuthn()), []);
  const t = useTranslations("mfa.passkeys");
  const addButton = useRef<HTMLButtonElement>(null);
  useFocusBack(adding, addButton);
  return (
    <div className="rounded-md p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h3 className="text-sm font-semibold text-slate-900">{t("heading")}</h3>
          <p className="text-sm text-slate-600">
            {passkeys.length === 0 ? t("none") : t("registered", { count: passkeys.length })}
          </p>
        </div>
        {available && supported && !adding && <Button ref={addButton} onClick={() => setAdding(true)}>{t("add")}</Button>}
      </div>
      {!available && (
        <div className="mt-3">
          <Alert tone="info">{unavailableMessage}</Alert>
        </div>
      )}
      {available && !supported && (
        <div className="mt-3">
          <Alert tone="info">{t("noBrowser")}</Alert>
        </div>
      )}
      {adding && (
        <AddPasskey
          proof={proof}
          onDone={(codes) => {
            setAdding(false);
            if (codes) onRecoveryCodes(codes);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      {passkeys.length > 0 && (
        <ul aria-label={t("listLabel")} className="mt-4 divide-y divide-slate-200">
          {passkeys.map((p) => (
            <PasskeyRow key={p.id} passkey={p} proof={proof} kept={lastKept && passkeys.length === 1} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** The name, and the proof that it's the person (checked before the browser is asked for a passkey). */
function AddPasskey({ proof, onDone, onCancel }: { proof: ProofKind; onDone: (codes: string[] | null) => void; onCancel: () => void }) {
  const t = useTranslations("mfa.passkeys");
  const common = useTranslations("common");
  const form = useServerForm(
    async (prev: FormState, data: FormData): Promise<FormState> => {
      const name = String(data.get("name") ?? "");
      const started = await startPasskeyRegistrationAction(prev, data);
      if (started.status === "error") return { ...started, values: { name } };
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: JSON.parse(started.result!.options) });
      } catch (err) {
        const cancelled = err instanceof Error && (err.name === "NotAllowedError" || err.name === "AbortError");
        return { status: "error", message: cancelled ? t("cancelled") : t("browserFailed"), values: { name } };
      }
      // The proof did its work (the challenge); finishing needs only the name and the browser's answer.
      data.delete("password");
      data.delete("code");
      data.set("response", JSON.stringify(response));
      const state = await finishPasskeyRegistrationAction(prev, data);
      if (state.status === "success") onDone(state.result?.recoveryCodes ? state.result.recoveryCodes.split("\n") : null);
      return state;
    },
    { guardLeave: false, focusOnOpen: true },
  );
  const errors = form.state.fieldErrors;
  return (
    <form {...form.formProps} className="mt-4 max-w-sm space-y-4">
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      <TextField
        id="passkey-new-name"
        label={t("nameLabel")}
        name="name"
        required
        defaultValue={form.state.values?.name ?? ""}
        hint={`${t("nameHint")} ${common("upToCharacters", { max: PASSKEY_NAME_MAX })}`}
        errors={errors?.name}
        autoComplete="off"
      />
      <ProofFields proof={proof} errors={errors} ids={{ password: "passkey-new-password", code: "passkey-new-code" }} />
      <div className="flex gap-2">
        <SubmitButton pending={form.pending} pendingLabel={t("waitingDevice")}>
          {t("continue")}
        </SubmitButton>
        <Button variant="secondary" onClick={onCancel}>
          {common("cancel")}
        </Button>
      </div>
    </form>
  );
}

function PasskeyRow({ passkey, proof, kept }: { passkey: PasskeyItem; proof: ProofKind; kept: boolean }) {
  const [mode, setMode] = useState<"view" | "rename" | "remove">("view");
  const t = useTranslations("mfa.passkeys");
  const renameButton = useRef<HTMLButtonElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  useFocusBack(mode === "rename", renameButton);
  useFocusBack(mode === "remove", removeButton);
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="truncate text-sm font-medium text-slate-900">{passkey.name}</p>
          <p className="text-sm text-slate-600">
            {t("added")} <RelativeTime date={passkey.createdAt} /> · {t("lastUsed")} <RelativeTime date={passkey.lastUsedAt} empty={t("never")} />
          </p>
        </div>
        {mode === "view" && (
          <div className="flex gap-2">
            <Button ref={renameButton} variant="secondary" onClick={() => setMode("rename")} aria-label={t("renameLabel", { name: passkey.name })}>
              {t("rename")}
            </Button>
            {kept ? (
              <KeptFactorRemove label={t("remove")} ariaLabel={t("removeLabel", { name: passkey.name })} noteId={`passkey-kept-note-${passkey.id}`} />
            ) : (
              <Button ref={removeButton} variant="secondary" onClick={() => setMode("remove")} aria-label={t("removeLabel", { name: passkey.name })}>
                {t("remove")}
              </Button>
            )}
          </div>
        )}
      </div>
      {kept && mode === "view" && <KeptFactorNote id={`passkey-kept-note-${passkey.id}`} />}
      {mode === "rename" && <RenamePasskey passkey={passkey} onDone={() => setMode("view")} />}
      {mode === "remove" && <RemovePasskey passkey={passkey} proof={proof} onDone={() => setMode("view")} />}
    </li>
  );
}

function RenamePasskey({ passkey, onDone }: { passkey: PasskeyItem; onDone: () => void }) {
  const form = useServerForm(
    async (prev: FormState, data: FormData) => {
      const state = await renamePasskeyAction(passkey.id, prev, data);
      if (state.status === "success") onDone();
      return state;
    },
    { guardLeave: false, announce: true, focusOnOpen: true },
  );
  const t = useTranslations("mfa.passkeys");
  const common = useTranslations("common");
  return (
    <form {...form.formProps} className="mt-3 max-w-sm space-y-3">
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      <TextField
        id={`passkey-name-${passkey.id}`}
        label={t("newName")}
        name="name"
        required
        hint={common("upToCharacters", { max: PASSKEY_NAME_MAX })}
        defaultValue={form.state.values?.name ?? passkey.name}
        errors={form.state.fieldErrors?.name}
        autoComplete="off"
      />
      <div className="flex gap-2">
        <SubmitButton pending={form.pending} pendingLabel={common("saving")}>
          {t("saveName")}
        </SubmitButton>
        <Button variant="secondary" onClick={onDone}>
          {common("cancel")}
        </Button>
      </div>
    </form>
  );
}

function RemovePasskey({ passkey, proof, onDone }: { passkey: PasskeyItem; proof: ProofKind; onDone: () => void }) {
  const t = useTranslations("mfa.passkeys");
  return (
    <RemoveFactorForm
      action={(prev, data) => removePasskeyAction(passkey.id, prev, data)}
      onDone={onDone}
      proof={proof}
      submitLabel={t("removeSubmit")}
      ids={{ password: `passkey-remove-password-${passkey.id}`, code: `passkey-remove-code-${passkey.id}` }}
      announce
      className="mt-3 max-w-sm space-y-3"
    >
      <p className="text-sm text-slate-700">{t("removeQuestion", { name: passkey.name })}</p>
    </RemoveFactorForm>
  );
}
