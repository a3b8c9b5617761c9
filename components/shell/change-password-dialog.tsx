"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { changePasswordAction, requiredPasswordChangeAction, signOutAction } from "@/app/(dashboard)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormActions } from "@/components/ui/form-actions";
import { SubmitButton } from "@/components/ui/submit-button";
import { PasswordField } from "@/components/ui/password-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "@/components/auth/new-password-fields";

/**
 * Current, new and confirm; with onClose it is the avatar menu's dialog, without it the required first
 * change (callbackUrl: where the person goes after it, e.g. back into an app's sign-in).
 */
export function ChangePasswordForm({ onClose, callbackUrl }: { onClose?: () => void; callbackUrl?: string }) {
  const form = useServerForm(onClose ? changePasswordAction : requiredPasswordChangeAction);
  const state = form.state;
  const t = useTranslations("changePassword");
  // Controlled, so a refused submit keeps the choice the person made.
  const [revokeTokens, setRevokeTokens] = useState(false);
  if (state.status === "success") {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <div className="flex justify-end">
          {onClose && <Button onClick={onClose}>{t("close")}</Button>}
        </div>
      </div>
    );
  }
  const errors = state.fieldErrors ?? {};
  const fields = (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      {callbackUrl && <input type="hidden" name="callbackUrl" value={callbackUrl} />}
      <PasswordField
        label={t("current")}
        name="old_password"
        autoComplete="current-password"
        required
        errors={errors.old_password}
      />
      <NewPasswordFields name="new_password" label={t("new")} confirmLabel={t("confirm")} errors={errors} />
      {onClose && (
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            name="revoke_tokens"
            checked={revokeTokens}
            onChange={(e) => setRevokeTokens(e.target.checked)}
            className="mt-0.5"
          />
          <span>{t("revokeTokens")}</span>
        </label>
      )}
      <FormActions onCancel={onClose} cancelLabel={t("cancel")} pending={form.pending} pendingLabel={t("saving")}>
        {t("submit")}
      </FormActions>
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
  const t = useTranslations("changePassword");
  return (
    <form action={signOutAction} className="mt-6 border-t border-slate-200 pt-4 text-center text-sm text-slate-600">
      {t("notNow")}{" "}
      <SubmitButton variant="ghost" pendingLabel={t("signingOut")} className="ml-1">
        {t("signOut")}
      </SubmitButton>
    </form>
  );
}

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  // The form mounts fresh each time the dialog opens, so old messages don't linger.
  const t = useTranslations("changePassword");
  return (
    <Dialog open={open} onClose={onClose} title={t("title")}>
      <ChangePasswordForm onClose={onClose} />
    </Dialog>
  );
}
