"use client";

import { createOwnerAction } from "@/app/(public)/setup/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "./new-password-fields";
import { IdentityFields } from "@/components/users/identity-fields";

export function SetupForm() {
  const form = useServerForm(createOwnerAction);
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <IdentityFields values={form.values} errors={errors} own emailRequired usernameHint="You can sign in with it or with your email." nameHint="Optional." />
      <NewPasswordFields errors={errors} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel="Creating…">
        Create Owner Account
      </SubmitButton>
    </form>
  );
}
