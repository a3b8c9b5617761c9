"use client";

import { useTranslations } from "next-intl";
import { resetPasswordAction } from "@/app/(public)/forgot-password/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "./new-password-fields";
import { bindAction } from "@/lib/forms/bind-action";

export function ResetPasswordForm({ token }: { token: string }) {
  const form = useServerForm(bindAction(resetPasswordAction, token), { guardLeave: false });
  const state = form.state;
  const t = useTranslations("publicPages.newPassword");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <NewPasswordFields label={t("label")} confirmLabel={t("confirm")} errors={state.fieldErrors ?? {}} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("saving")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
