"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { deleteApplicationAction, rotateApplicationSecretAction } from "@/app/(dashboard)/settings/applications/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { bindAction } from "@/lib/forms/bind-action";

function RotateForm({ id, name, secretId, onClose }: { id: string; name: string; secretId: string; onClose: () => void }) {
  const form = useServerForm(bindAction(rotateApplicationSecretAction, id, secretId), { guardLeave: false });
  const state = form.state;
  const t = useTranslations("applicationsPage");
  if (state.status === "success" && state.result?.clientSecret) {
    return (
      <ShownOnceSecret
        label={t("newClientSecret")}
        value={state.result.clientSecret}
        warning={t("rotatedWarning")}
        onClose={onClose}
      />
    );
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <p className="text-sm text-slate-700">
        {t("rotateBody", { name })}
      </p>
      <FormActions onCancel={onClose} variant="danger" pending={form.pending} pendingLabel={t("rotating")}>{t("rotate")}</FormActions>
    </form>
  );
}

/** "Rotate secret": asks first, then shows the new secret once. `secretId` names the secret it replaces (the page's). */
export function RotateSecretButton({ id, name, secretId }: { id: string; name: string; secretId: string }) {
  const [open, setOpen] = useState(false);
  const [round, setRound] = useState(0);
  const t = useTranslations("applicationsPage");
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setRound((r) => r + 1);
          setOpen(true);
        }}
      >
        {t("rotate")}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("rotateTitle", { name })}>
        {open && <RotateForm key={round} id={id} name={name} secretId={secretId} onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}

export function DeleteApplicationButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations("applicationsPage");
  return (
    <ConfirmAction
      label={t("delete")}
      title={t("deleteTitle", { name })}
      confirmLabel={t("deleteConfirm")}
      variant="danger"
      action={bindAction(deleteApplicationAction, id)}
      body={<p>{t("deleteBody", { name })}</p>}
    />
  );
}
