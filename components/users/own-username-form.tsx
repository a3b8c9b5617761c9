"use client";

import { Fragment } from "react";
import { useTranslations } from "next-intl";
import { changeOwnUsernameAction } from "@/app/(dashboard)/profile/username-actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

export function OwnUsernameForm({ username }: { username: string }) {
  const form = useServerForm(changeOwnUsernameAction, { announce: true });
  const { state, values } = form;
  const errors = state.fieldErrors ?? {};
  const t = useTranslations("profilePage.username");
  const common = useTranslations("common");
  return (
    <form {...form.formProps} className="flex flex-wrap items-end gap-3">
      {state.status === "error" && state.message && (
        <div className="w-full">
          <Alert tone="error">{state.message}</Alert>
        </div>
      )}
      <Fragment key={form.version}>
        <TextField
          className="min-w-64 flex-1"
          label={t("label")}
          name="username"
          required
          maxLength={64}
          autoCapitalize="none"
          spellCheck={false}
          autoComplete="username"
          defaultValue={values?.username ?? username}
          errors={errors.username}
        />
      </Fragment>
      <SubmitButton pending={form.pending} pendingLabel={common("saving")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
