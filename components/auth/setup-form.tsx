"use client";

import { useActionState } from "react";
import { createOwnerAction } from "@/app/(public)/setup/actions";
import { initialFormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { NewPasswordFields } from "./new-password-fields";

export function SetupForm() {
  const [state, action] = useActionState(createOwnerAction, initialFormState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        errors={errors.email}
      />
      <NewPasswordFields errors={errors} />
      <TextField
        label="Name"
        name="name"
        autoComplete="name"
        hint="Optional."
        defaultValue={state.values?.name}
        errors={errors.name}
      />
      <SubmitButton className="w-full" pendingLabel="Creating…">
        Create Owner Account
      </SubmitButton>
    </form>
  );
}
