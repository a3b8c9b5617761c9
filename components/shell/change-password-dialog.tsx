"use client";

import { useActionState, useState } from "react";
import { changePasswordAction, requiredPasswordChangeAction } from "@/app/(dashboard)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { initialFormState } from "@/lib/forms/form-state";

/** Current, new and confirm; with onClose it is the avatar menu's dialog, without it the required first change. */
export function ChangePasswordForm({ onClose }: { onClose?: () => void }) {
  const [state, action] = useActionState(onClose ? changePasswordAction : requiredPasswordChangeAction, initialFormState);
  // Controlled, so a refused submit keeps the choice the person made.
  const [revokeTokens, setRevokeTokens] = useState(false);
  if (state.status === "success") {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <div className="flex justify-end">
          {onClose && <Button onClick={onClose}>Close</Button>}
        </div>
      </div>
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label="Current password"
        name="old_password"
        type="password"
        autoComplete="current-password"
        required
        errors={errors.old_password}
      />
      <NewPasswordFields name="new_password" label="New password" confirmLabel="Confirm new password" errors={errors} />
      {onClose && (
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            name="revoke_tokens"
            checked={revokeTokens}
            onChange={(e) => setRevokeTokens(e.target.checked)}
            className="mt-0.5"
          />
          <span>Also revoke my access tokens (your other devices are signed out either way)</span>
        </label>
      )}
      <div className="flex justify-end gap-2">
        {onClose && (
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
        )}
        <SubmitButton pendingLabel="Saving…">Change Password</SubmitButton>
      </div>
    </form>
  );
}

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  // The form mounts fresh each time the dialog opens, so old messages don't linger.
  return (
    <Dialog open={open} onClose={onClose} title="Change Password">
      <ChangePasswordForm onClose={onClose} />
    </Dialog>
  );
}
