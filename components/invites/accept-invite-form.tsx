"use client";

import { useActionState } from "react";
import { acceptInviteAction } from "@/app/(public)/invite/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { initialFormState } from "@/lib/forms/form-state";

export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const [state, action] = useActionState(acceptInviteAction.bind(null, token), initialFormState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField label="Email" name="email_readonly" type="email" readOnly value={email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        hint="8 to 128 characters; not a common password."
        errors={errors.password}
      />
      <TextField
        label="Confirm password"
        name="confirm_password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors.confirm_password}
      />
      <SubmitButton className="w-full" pendingLabel="Creating account…">
        Create Account
      </SubmitButton>
    </form>
  );
}
