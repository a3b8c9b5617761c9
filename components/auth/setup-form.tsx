"use client";

import { createOwnerAction } from "@/app/(public)/setup/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "./new-password-fields";

export function SetupForm() {
  const form = useServerForm(createOwnerAction);
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={form.values?.email}
        errors={errors.email}
      />
      <NewPasswordFields errors={errors} />
      <TextField
        label="Name"
        name="name"
        autoComplete="name"
        hint="Optional."
        defaultValue={form.values?.name}
        errors={errors.name}
      />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel="Creating…">
        Create Owner Account
      </SubmitButton>
    </form>
  );
}
