"use client";

import { useActionState } from "react";
import { verifyIntegrityAction } from "@/app/(dashboard)/activity/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/forms/form-state";

/** Re-checks the whole hash chain on the server and says where it first breaks, if anywhere. */
export function VerifyIntegrity() {
  const [state, action] = useActionState(verifyIntegrityAction, initialFormState);
  return (
    <div className="space-y-2">
      <form action={action}>
        <SubmitButton variant="secondary" pendingLabel="Verifying…">
          Verify integrity
        </SubmitButton>
      </form>
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "error" ? "error" : "success"}>{state.message}</Alert>
      )}
    </div>
  );
}
