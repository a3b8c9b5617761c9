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

/**
 * Removing one of the person's own factors (the authenticator app, a passkey): their password proves it's
 * them, or, without one, a code from the app when they have it. One form for both panels.
 */
export function RemoveFactorForm({
  action,
  onDone,
  hasLocalPassword,
  askCode,
  submitLabel,
  ids,
  announce = false,
  className,
  children,
}: {
  action: (prev: FormState, data: FormData) => Promise<FormState>;
  onDone: () => void;
  hasLocalPassword: boolean;
  /** Without a password: whether a code from the app is asked. */
  askCode: boolean;
  submitLabel: ReactNode;
  /** The fields' ids, where several forms can be open at once. */
  ids?: { password: string; code: string };
  announce?: boolean;
  className: string;
  /** What is about to go, said before the fields. */
  children?: ReactNode;
}) {
  const t = useTranslations("removeFactor");
  const common = useTranslations("common");
  const form = useServerForm(
    async (prev: FormState, data: FormData) => {
      const state = await action(prev, data);
      if (state.status === "success") onDone();
      return state;
    },
    announce ? { guardLeave: false, announce: true } : { guardLeave: false },
  );
  return (
    <form {...form.formProps} className={className}>
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      {children}
      {hasLocalPassword ? (
        <PasswordField {...(ids ? { id: ids.password } : {})} label={t("password")} name="password" autoComplete="current-password" required errors={form.state.fieldErrors?.password} />
      ) : (
        askCode && (
          <TextField {...(ids ? { id: ids.code } : {})} label={t("code")} name="code" inputMode="numeric" autoComplete="one-time-code" required errors={form.state.fieldErrors?.code} />
        )
      )}
      <div className="flex gap-2">
        <SubmitButton variant="danger" pending={form.pending} pendingLabel={t("removing")}>
          {submitLabel}
        </SubmitButton>
        <Button variant="secondary" onClick={onDone}>
          {common("cancel")}
        </Button>
      </div>
    </form>
  );
}
