"use client";

import { useTranslations } from "next-intl";
import { requestEmailChangeAction } from "@/app/(dashboard)/profile/email-actions";
import { Alert } from "@/components/ui/alert";
import { PasswordField } from "@/components/ui/password-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

/**
 * The Profile email field: a new address is confirmed by a link sent to it; until then the current one
 * stays. An account with a password asks for it (never kept after a submit).
 */
export function ChangeEmailForm({ current, asksPassword }: { current: string | null; asksPassword: boolean }) {
  const form = useServerForm(requestEmailChangeAction);
  const state = form.state;
  const t = useTranslations("profilePage.email");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "success" ? "success" : "error"}>{state.message}</Alert>
      )}
      <div key={form.version} className="flex flex-wrap items-end gap-3">
        <TextField className="min-w-64 flex-1" label={t("label")} name="email" type="email" autoComplete="email" defaultValue={form.values?.email ?? current ?? ""} errors={state.fieldErrors?.email} />
        {asksPassword && (
          <PasswordField className="min-w-48 flex-1" label={t("currentPassword")} name="current_password" autoComplete="current-password" errors={state.fieldErrors?.current_password} />
        )}
        <SubmitButton variant="secondary" pending={form.pending} pendingLabel={t("sending")}>{t("submit")}</SubmitButton>
      </div>
    </form>
  );
}
