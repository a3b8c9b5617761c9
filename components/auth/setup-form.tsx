"use client";

import { useTranslations } from "next-intl";
import { createOwnerAction } from "@/app/(public)/setup/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "./new-password-fields";
import { IdentityFields } from "@/components/users/identity-fields";

export function SetupForm() {
  const form = useServerForm(createOwnerAction);
  const state = form.state;
  const t = useTranslations("setup");
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <IdentityFields values={form.values} errors={errors} own emailRequired usernameHint={t("usernameHint")} nameHint={t("optional")} />
      <NewPasswordFields errors={errors} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("creating")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
