"use client";

import { useState } from "react";
import { changePasswordAction, requiredPasswordChangeAction, signOutAction } from "@/app/(dashboard)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { PasswordField } from "@/components/ui/password-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "@/components/auth/new-password-fields";

/** Current, new and confirm; with onClose it is the avatar menu's dialog, without it the required first change. */
export function ChangePasswordForm({ onClose }: { onClose?: () => void }) {
  const form = useServerForm(onClose ? changePasswordAction : requiredPasswordChangeAction);
  const state = form.state;
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
  const fields = (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <PasswordField
        label="Current password"
        name="old_password"
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
        <SubmitButton pending={form.pending} pendingLabel="Saving…">
          Change Password
        </SubmitButton>
      </div>
    </form>
  );
  if (onClose) return fields;
  return (
    <>
      {fields}
      <SignOutInstead />
    </>
  );
}

/**
 * For the required first change: the person may not want to choose now (a
 * shared computer, someone else's account), so they can leave instead.
 */
function SignOutInstead() {
  return (
    <form action={signOutAction} className="mt-6 border-t border-slate-200 pt-4 text-center text-sm text-slate-600">
      Not now?{" "}
      <SubmitButton variant="ghost" pendingLabel="Signing out…" className="ml-1">
        Sign out
      </SubmitButton>
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
