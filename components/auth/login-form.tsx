"use client";

import { useTranslations } from "next-intl";
import { signInAction } from "@/app/(public)/login/actions";
import { Alert } from "@/components/ui/alert";
import { PasswordField } from "@/components/ui/password-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

/**
 * Email or username, and password (usernames: everyone has a username, and
 * LDAP users sign in with their directory username). The field keeps the
 * name "email": the server decides whom the identifier names.
 * An empty field is said there by the server (noValidate), in the page's language; it is not an attempt.
 */
export function LoginForm({
  email,
  callbackUrl,
  passkeys = false,
  identifierFixed = false,
}: {
  email?: string;
  callbackUrl?: string;
  usernames?: boolean;
  passkeys?: boolean;
  /** Confirming who is signed in: the identifier is theirs, shown read-only ("Use another account" is the way to change it). */
  identifierFixed?: boolean;
}) {
  // Nothing typed here is work to lose: no question before leaving.
  const form = useServerForm(signInAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("signIn");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/"} />
      <TextField
        label={t("identifier")}
        name="email"
        type="text"
        // passkeys: "webauthn" lets the browser offer passkeys in this field's autofill list.
        autoComplete={passkeys ? "username webauthn" : "username"}
        autoCapitalize="none"
        spellCheck={false}
        required
        readOnly={identifierFixed}
        defaultValue={identifierFixed ? email : (form.values?.email ?? email)}
        errors={state.fieldErrors?.email}
      />
      <PasswordField label={t("password")} name="password" autoComplete="current-password" required errors={state.fieldErrors?.password} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("signingIn")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
