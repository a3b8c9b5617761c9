"use client";

import { useTranslations } from "next-intl";
import { forgotPasswordAction } from "@/app/(public)/forgot-password/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

export function ForgotPasswordForm() {
  const form = useServerForm(forgotPasswordAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("forgotPassword");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "success" ? "success" : "error"}>{state.message}</Alert>
      )}
      <TextField label={t("email")} name="email" type="email" autoComplete="email" required defaultValue={form.values?.email ?? state.values?.email} errors={state.fieldErrors?.email} hint={t("noEmailHint")} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("sending")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
