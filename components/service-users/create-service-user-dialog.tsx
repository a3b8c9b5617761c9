"use client";

import { useState } from "react";
import { createServiceUserAction } from "@/app/(dashboard)/team/service-users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { Role } from "@/lib/db/schema";
import { ROLE_LABELS } from "@/components/users/role-label";

/** What each role means for a service user, whose only way in is the API. */
const SERVICE_ROLES: { role: Role; description: string }[] = [
  { role: "user", description: "read-only API access" },
  { role: "auditor", description: "reads everything, changes nothing" },
  { role: "admin", description: "write access" },
];

function CreateServiceUserForm({ onCancel }: { onCancel: () => void }) {
  const form = useServerForm(createServiceUserAction);
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField label="Name" name="name" required maxLength={100} placeholder="e.g. Terraform" defaultValue={state.values?.name} errors={errors.name} />
      <div>
        <label htmlFor="field-role" className="block text-sm font-medium text-slate-900">
          Role
        </label>
        <select
          id="field-role"
          name="role"
          defaultValue={state.values?.role ?? "user"}
          aria-invalid={errors.role?.length ? true : undefined}
          className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
        >
          {SERVICE_ROLES.map(({ role, description }) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]} — {description}
            </option>
          ))}
        </select>
        {errors.role?.length ? <p className="mt-1 text-sm text-red-600">{errors.role.join(" ")}</p> : null}
      </div>
      <p className="text-sm text-slate-600">
        Service users never sign in to the dashboard and have no password or email. They reach the API with access tokens.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <SubmitButton pending={form.pending} pendingLabel="Creating…">Create</SubmitButton>
      </div>
    </form>
  );
}

export function CreateServiceUserDialog() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Create Service User</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Create Service User">
        <CreateServiceUserForm onCancel={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
