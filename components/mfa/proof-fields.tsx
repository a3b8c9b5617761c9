"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PasswordField } from "@/components/ui/password-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import type { ProofKind } from "@/lib/mfa/proof-texts";

/**
 * What proves it's the person before their second factors change, they create an access token or the
 * owner moves where mail goes (lib/mfa/proof.ts decides, and checks again): their password, a code from their app, or, with nothing
 * to type, their recent sign-in.
 */
export function ProofFields({
  proof,
  errors,
  ids,
  why,
  passwordName = "password",
  required = true,
}: {
  proof: ProofKind;
  errors?: Record<string, string[] | undefined>;
  ids?: { password: string; code: string };
  /** Why it is asked, when not for a second factor. */
  why?: string;
  /** The password's field name, in a form whose "password" is another one (Settings → Email's SMTP password). */
  passwordName?: string;
  /** False where only some changes ask for it (the `why` says which). */
  required?: boolean;
}) {
  const t = useTranslations("mfa.proof");
  const hint = why ?? t("why");
  if (proof === "password") {
    return <PasswordField {...(ids ? { id: ids.password } : {})} label={t("password")} name={passwordName} autoComplete="current-password" required={required} hint={hint} errors={errors?.[passwordName]} />;
  }
  if (proof === "code") {
    return <TextField {...(ids ? { id: ids.code } : {})} label={t("code")} name="code" inputMode="numeric" autoComplete="one-time-code" required={required} maxLength={7} hint={hint} errors={errors?.code} />;
  }
  return <p className="text-sm text-slate-600">{t("recentSignIn")}</p>;
}

/** A step that only asks for the proof, then runs (setting up the app, new recovery codes). */
export function ProofForm({
  proof,
  action,
  onDone,
  onCancel,
  submitLabel,
  pendingLabel,
  ids,
  children,
}: {
  proof: ProofKind;
  action: (prev: FormState, data: FormData) => Promise<FormState>;
  onDone: (state: FormState) => void;
  onCancel: () => void;
  submitLabel: ReactNode;
  pendingLabel: string;
  ids?: { password: string; code: string };
  /** What is about to happen, said before the fields. */
  children?: ReactNode;
}) {
  const common = useTranslations("common");
  const form = useServerForm(
    async (prev: FormState, data: FormData) => {
      const state = await action(prev, data);
      if (state.status === "success") onDone(state);
      return state;
    },
    { guardLeave: false, focusOnOpen: true },
  );
  return (
    <form {...form.formProps} className="mt-4 max-w-sm space-y-4">
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      {children}
      <ProofFields proof={proof} errors={form.state.fieldErrors} ids={ids} />
      <div className="flex gap-2">
        <SubmitButton pending={form.pending} pendingLabel={pendingLabel}>
          {submitLabel}
        </SubmitButton>
        <Button variant="secondary" onClick={onCancel}>
          {common("cancel")}
        </Button>
      </div>
    </form>
  );
}
