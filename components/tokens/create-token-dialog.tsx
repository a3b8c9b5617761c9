"use client";

import { useState } from "react";
import { createTokenAction } from "@/app/(dashboard)/token-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { TOKEN_EXPIRY_DAYS, TOKEN_NAME_MAX_LENGTH } from "@/lib/tokens/limits";

function CreateTokenForm({ userId, onClose }: { userId: string; onClose: () => void }) {
  const form = useServerForm(createTokenAction.bind(null, userId));
  const state = form.state;
  if (state.status === "success" && state.result?.token) {
    return (
      <ShownOnceSecret
        label={`Token "${state.result.name}"`}
        value={state.result.token}
        warning="This token will not be shown again. Copy it now and keep it somewhere safe."
        onClose={onClose}
      />
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label="Name"
        name="name"
        required
        maxLength={TOKEN_NAME_MAX_LENGTH}
        placeholder="e.g. Terraform"
        defaultValue={state.values?.name}
        errors={errors.name}
        hint="Unique per user, so you can tell tokens apart."
      />
      <TextField
        label="Expires in"
        name="expires_in"
        type="number"
        inputMode="numeric"
        required
        min={TOKEN_EXPIRY_DAYS.min}
        max={TOKEN_EXPIRY_DAYS.max}
        step={1}
        defaultValue={state.values?.expires_in ?? String(TOKEN_EXPIRY_DAYS.default)}
        errors={errors.expires_in}
        hint={`Days, ${TOKEN_EXPIRY_DAYS.min}–${TOKEN_EXPIRY_DAYS.max}.`}
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton pending={form.pending} pendingLabel="Creating…">Create Token</SubmitButton>
      </div>
    </form>
  );
}

/** "Create Token": name and expiry, then the plain token once, with copy. */
export function CreateTokenDialog({ userId }: { userId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Create Token</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Create Token">
        <CreateTokenForm userId={userId} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
