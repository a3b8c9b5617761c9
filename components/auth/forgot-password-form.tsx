"use client";

import { forgotPasswordAction } from "@/app/(public)/forgot-password/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

export function ForgotPasswordForm() {
  const form = useServerForm(forgotPasswordAction, { guardLeave: false });
  const state = form.state;
  return (
    <form {...form.formProps} className="space-y-4" noValidate>
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "success" ? "success" : "error"}>{state.message}</Alert>
      )}
      <TextField label="Email" name="email" type="email" autoComplete="email" required defaultValue={form.values?.email ?? state.values?.email} errors={state.fieldErrors?.email} hint="No email on your account (you sign in with a username)? Ask an admin to reset your password." />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel="Sending…">
        Send reset link
      </SubmitButton>
    </form>
  );
}
