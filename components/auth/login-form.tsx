"use client";

import { useActionState } from "react";
import { signInAction } from "@/app/(public)/login/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { initialFormState } from "@/lib/forms/form-state";

/**
 * Email (or, with LDAP on, username) and password. The field keeps the name
 * "email" either way: the server decides whether it names a local user or a
 * directory user.
 */
export function LoginForm({ email, callbackUrl, usernames = false }: { email?: string; callbackUrl?: string; usernames?: boolean }) {
  const [state, action] = useActionState(signInAction, initialFormState);
  return (
    <form action={action} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/"} />
      <TextField
        label={usernames ? "Email or username" : "Email"}
        name="email"
        type={usernames ? "text" : "email"}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        defaultValue={state.values?.email ?? email}
      />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton className="w-full" pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
