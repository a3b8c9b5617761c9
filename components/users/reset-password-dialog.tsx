"use client";

import { useState } from "react";
import { resetPasswordAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "@/components/auth/new-password-fields";

function ResetPasswordForm({ userId, onClose }: { userId: string; onClose: () => void }) {
  const form = useServerForm(resetPasswordAction.bind(null, userId));
  const state = form.state;
  const [mode, setMode] = useState<"generate" | "type">("generate");
  if (state.status === "success") {
    return state.result?.password ? (
      <ShownOnceSecret
        label="New password"
        value={state.result.password}
        warning="This password will only be shown once. Please copy it now."
        onClose={onClose}
      />
    ) : (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <div className="flex justify-end">
          <Button onClick={onClose}>Close</Button>
        </div>
      </div>
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <fieldset className="space-y-2 text-sm text-slate-700">
        <legend className="sr-only">New password</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" value="generate" checked={mode === "generate"} onChange={() => setMode("generate")} />
          Generate a password
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" value="type" checked={mode === "type"} onChange={() => setMode("type")} />
          Type a password
        </label>
      </fieldset>
      {mode === "type" && (
        <NewPasswordFields label="New password" confirmLabel="Confirm new password" errors={errors} />
      )}
      <p className="text-sm text-slate-600">Their sessions and access tokens end now, and they must choose a new password at next sign-in.</p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton variant="danger" pending={form.pending} pendingLabel="Resetting…">
          Reset password
        </SubmitButton>
      </div>
    </form>
  );
}

export function ResetPasswordDialog({ userId }: { userId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Reset password
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Reset password">
        <ResetPasswordForm userId={userId} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
