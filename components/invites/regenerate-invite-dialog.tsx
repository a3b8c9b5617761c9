"use client";

import { useState } from "react";
import { regenerateInviteAction } from "@/app/(dashboard)/team/users/invite-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { InviteLinkResult } from "./invite-link-result";

function RegenerateForm({ inviteId, onClose }: { inviteId: string; onClose: () => void }) {
  const form = useServerForm(regenerateInviteAction.bind(null, inviteId));
  const state = form.state;
  if (state.status === "success" && state.result) {
    return <InviteLinkResult token={state.result.token} expiresAt={state.result.expiresAt} onClose={onClose} />;
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <p className="text-sm text-slate-700">The current link stops working at once; a new one is made.</p>
      <TextField
        label="Expires in (days)"
        name="expires_in_days"
        type="number"
        min={1}
        max={365}
        required
        defaultValue="3"
        errors={state.fieldErrors?.expires_in}
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton pendingLabel="Regenerating…" pending={form.pending}>Regenerate link</SubmitButton>
      </div>
    </form>
  );
}

export function RegenerateInviteDialog({ inviteId, label }: { inviteId: string; label: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} aria-label={`Regenerate invite for ${label}`}>
        Regenerate
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Regenerate the invite for ${label}?`}>
        {open && <RegenerateForm inviteId={inviteId} onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}
