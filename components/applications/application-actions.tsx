"use client";

import { useState } from "react";
import { deleteApplicationAction, rotateApplicationSecretAction } from "@/app/(dashboard)/settings/applications/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";

function RotateForm({ id, name, onClose }: { id: string; name: string; onClose: () => void }) {
  const form = useServerForm(rotateApplicationSecretAction.bind(null, id), { guardLeave: false });
  const state = form.state;
  if (state.status === "success" && state.result?.clientSecret) {
    return (
      <ShownOnceSecret
        label="New client secret"
        value={state.result.clientSecret}
        warning="This client secret will not be shown again. The old one has stopped working: put this one into the app's settings now."
        onClose={onClose}
      />
    );
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <p className="text-sm text-slate-700">
        {name} gets a new client secret, shown once. The current one stops working at once, and everyone signed in to the app through Latchkey has to sign in again.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton variant="danger" pending={form.pending} pendingLabel="Rotating…">
          Rotate secret
        </SubmitButton>
      </div>
    </form>
  );
}

/** "Rotate secret": asks first, then shows the new secret once. */
export function RotateSecretButton({ id, name }: { id: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [round, setRound] = useState(0);
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setRound((r) => r + 1);
          setOpen(true);
        }}
      >
        Rotate secret
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Rotate the secret of ${name}?`}>
        {open && <RotateForm key={round} id={id} name={name} onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}

export function DeleteApplicationButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmAction
      label="Delete"
      title={`Delete ${name}?`}
      confirmLabel="Delete application"
      variant="danger"
      action={deleteApplicationAction.bind(null, id)}
      body={<p>People can no longer sign in to {name} through Latchkey, and its current sign-ins end. This can&apos;t be undone.</p>}
    />
  );
}
