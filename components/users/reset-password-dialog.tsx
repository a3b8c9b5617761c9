"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { resetPasswordAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { bindAction } from "@/lib/forms/bind-action";

function ResetPasswordForm({ userId, onClose }: { userId: string; onClose: () => void }) {
  const form = useServerForm(bindAction(resetPasswordAction, userId));
  const t = useTranslations("usersPage.resetPassword");
  const common = useTranslations("common");
  const state = form.state;
  const [mode, setMode] = useState<"generate" | "type">("generate");
  if (state.status === "success") {
    return state.result?.password ? (
      <ShownOnceSecret
        label={t("newPassword")}
        value={state.result.password}
        warning={t("shownOnce")}
        onClose={onClose}
      />
    ) : (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <div className="flex justify-end">
          <Button onClick={onClose}>{common("close")}</Button>
        </div>
      </div>
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <fieldset className="space-y-2 text-sm text-slate-700">
        <legend className="sr-only">{t("newPassword")}</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" value="generate" checked={mode === "generate"} onChange={() => setMode("generate")} />
          {t("generate")}
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" value="type" checked={mode === "type"} onChange={() => setMode("type")} />
          {t("type")}
        </label>
      </fieldset>
      {mode === "type" && (
        <NewPasswordFields label={t("newPassword")} confirmLabel={t("confirm")} errors={errors} forSomeoneElse />
      )}
      <p className="text-sm text-slate-600">{t("note")}</p>
      <FormActions onCancel={onClose} variant="danger" pending={form.pending} pendingLabel={t("resetting")}>{t("title")}</FormActions>
    </form>
  );
}

export function ResetPasswordDialog({ userId }: { userId: string }) {
  const [open, setOpen] = useState(false);
  const t = useTranslations("usersPage.resetPassword");
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {t("title")}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("title")}>
        <ResetPasswordForm userId={userId} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
