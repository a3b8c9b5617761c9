"use client";

import { useTranslations } from "next-intl";
import { changeOwnUsernameAction } from "@/app/(dashboard)/profile/username-actions";
import { InlineForm } from "@/components/ui/inline-form";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { USERNAME_MAX } from "@/lib/users/username-rule";

export function OwnUsernameForm({ username }: { username: string }) {
  const form = useServerForm(changeOwnUsernameAction, { announce: true });
  const { state, values } = form;
  const errors = state.fieldErrors ?? {};
  const t = useTranslations("profilePage.username");
  const common = useTranslations("common");
  return (
    <InlineForm form={form} submitLabel={t("submit")}>
      <TextField
        className="min-w-64 flex-1"
        label={t("label")}
        name="username"
        required
        hint={common("upToCharacters", { max: USERNAME_MAX })}
        autoCapitalize="none"
        spellCheck={false}
        autoComplete="username"
        defaultValue={values?.username ?? username}
        errors={errors.username}
      />
    </InlineForm>
  );
}
