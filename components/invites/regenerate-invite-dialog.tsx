"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { regenerateInviteAction } from "@/app/(dashboard)/team/users/invite-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { InviteExpiryField } from "./invite-expiry-field";
import { InviteLinkResult } from "./invite-link-result";
import { bindAction } from "@/lib/forms/bind-action";

function RegenerateForm({ inviteId, onClose }: { inviteId: string; onClose: () => void }) {
  const form = useServerForm(bindAction(regenerateInviteAction, inviteId));
  const t = useTranslations("invitesPage.regenerate");
  const state = form.state;
  if (state.status === "success" && state.result) {
    return <InviteLinkResult token={state.result.token} expiresAt={state.result.expiresAt} onClose={onClose} />;
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <p className="text-sm text-slate-700">{t("body")}</p>
      <InviteExpiryField defaultValue={state.values?.expires_in_days} errors={state.fieldErrors?.expires_in_days} />
      <FormActions onCancel={onClose} pendingLabel={t("regenerating")} pending={form.pending}>{t("submit")}</FormActions>
    </form>
  );
}

export function RegenerateInviteDialog({ inviteId, label }: { inviteId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const t = useTranslations("invitesPage.regenerate");
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} aria-label={t("buttonFor", { name: label })}>
        {t("button")}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("title", { name: label })}>
        {open && <RegenerateForm inviteId={inviteId} onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}
