"use client";

import { acceptInviteAction } from "@/app/(public)/invite/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { suggestedUsername } from "@/lib/users/username-rule";

/** usernames: the person picks their username here, prefilled from the email's local part. */
export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const form = useServerForm(acceptInviteAction.bind(null, token));
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField label="Email" name="email_readonly" type="email" readOnly value={email} />
      <TextField
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        maxLength={64}
        defaultValue={form.values?.username ?? suggestedUsername(email)}
        errors={errors.username}
        hint="Letters, digits, “.”, “_” and “-”. You can sign in with it or with your email."
      />
      <NewPasswordFields errors={errors} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel="Creating account…">
        Create Account
      </SubmitButton>
    </form>
  );
}
