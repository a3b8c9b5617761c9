"use client";

import { verifyIntegrityAction } from "@/app/(dashboard)/activity/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";

/** Re-checks the whole hash chain on the server and says where it first breaks, if anywhere. */
export function VerifyIntegrity() {
  const form = useServerForm(verifyIntegrityAction, { guardLeave: false });
  const state = form.state;
  return (
    <div className="space-y-2">
      <form {...form.formProps}>
        <SubmitButton variant="secondary" pending={form.pending} pendingLabel="Verifying…">
          Verify integrity
        </SubmitButton>
      </form>
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "error" ? "error" : "success"}>{state.message}</Alert>
      )}
    </div>
  );
}
