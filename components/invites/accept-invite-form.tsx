"use client";

import { useActionState } from "react";
import { acceptInviteAction } from "@/app/(public)/invite/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { initialFormState } from "@/lib/forms/form-state";

export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const [state, action] = useActionState(acceptInviteAction.bind(null, token), initialFormState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField label="Email" name="email_readonly" type="email" readOnly value={email} />
      <NewPasswordFields errors={errors} />
      <SubmitButton className="w-full" pendingLabel="Creating account…">
        Create Account
      </SubmitButton>
    </form>
  );
}
