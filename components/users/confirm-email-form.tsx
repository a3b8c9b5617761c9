"use client";

import { useTranslations } from "next-intl";
import { requestEmailConfirmationAction } from "@/app/(dashboard)/profile/email-actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";

/** Profile's "Confirm this address": mails the current, unproven address the link that proves it. */
export function ConfirmEmailForm() {
  const form = useServerForm(requestEmailConfirmationAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("profilePage.email");
  return (
    <form {...form.formProps} className="mb-4 space-y-2">
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "success" ? "success" : "error"}>{state.message}</Alert>
      )}
      <SubmitButton variant="secondary" pending={form.pending} pendingLabel={t("sending")}>{t("confirm")}</SubmitButton>
    </form>
  );
}
