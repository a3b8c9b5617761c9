"use client";

import { useTranslations } from "next-intl";
import { createOwnerAction } from "@/app/(public)/setup/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "./new-password-fields";
import { useState } from "react";
import { suggestedUsername } from "@/lib/users/username-rule";

export function SetupForm() {
  const form = useServerForm(createOwnerAction);
  const state = form.state;
  const t = useTranslations("setup");
  const errors = state.fieldErrors ?? {};
  // usernames: prefilled from the email's local part until the person types their own.
  const [username, setUsername] = useState(form.values?.username ?? "");
  const [usernameTyped, setUsernameTyped] = useState(!!form.values?.username);
  return (
    <form {...form.formProps} className="space-y-4" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label={t("email")}
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={form.values?.email}
        errors={errors.email}
        onChange={(e) => {
          if (!usernameTyped) setUsername(suggestedUsername(e.currentTarget.value));
        }}
      />
      <TextField
        label={t("username")}
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        maxLength={64}
        value={username}
        onChange={(e) => {
          setUsername(e.currentTarget.value);
          setUsernameTyped(true);
        }}
        hint={t("usernameHint")}
        errors={errors.username}
      />
      <NewPasswordFields errors={errors} />
      <TextField
        label={t("name")}
        name="name"
        autoComplete="name"
        hint={t("optional")}
        defaultValue={form.values?.name}
        errors={errors.name}
      />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("creating")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
