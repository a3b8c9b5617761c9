"use client";

import { useTranslations } from "next-intl";
import { acceptInviteAction } from "@/app/(public)/invite/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { suggestedUsername } from "@/lib/users/username-rule";
import { USERNAME_MAX } from "@/lib/users/username-rule";

/**
 * usernames: the person picks their username here, prefilled from the email's
 * local part; an invite that names one shows it, and a link without an email
 * has only the username to sign in with. The link's token stays in its cookie (lib/http/link-cookie.ts).
 */
export function AcceptInviteForm({ email, username }: { email: string | null; username: string | null }) {
  const form = useServerForm(acceptInviteAction);
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  const t = useTranslations("publicPages.invite");
  const common = useTranslations("common");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      {email && <TextField label={t("email")} name="email_readonly" type="email" readOnly value={email} />}
      {username ? (
        <TextField label={t("username")} name="username" autoComplete="username" readOnly value={username} errors={errors.username} hint={t("usernameChosen")} />
      ) : (
        <TextField
          label={t("username")}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          defaultValue={form.values?.username ?? suggestedUsername(email)}
          errors={errors.username}
          hint={`${email ? t("usernameHintEmail") : t("usernameHintNoEmail")} ${common("upToCharacters", { max: USERNAME_MAX })}`}
        />
      )}
      <NewPasswordFields errors={errors} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("creating")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
