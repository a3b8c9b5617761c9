"use client";

import { useTranslations } from "next-intl";
import { resetPasswordAction } from "@/app/(public)/forgot-password/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "./new-password-fields";

/** The link's token stays in its cookie (lib/http/link-cookie.ts): the action reads it there. */
export function ResetPasswordForm() {
  const form = useServerForm(resetPasswordAction, { guardLeave: false });
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
