"use client";

import { useActionState, useState } from "react";
import { createUserAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { initialFormState } from "@/lib/forms/form-state";
import { GroupCheckboxes } from "./group-checkboxes";
import { RoleSelect } from "./role-select";

type Group = { id: string; name: string };

function CreateUserForm({ groups, onCancel }: { groups: Group[]; onCancel: () => void }) {
  const [state, action] = useActionState(createUserAction, initialFormState);
  if (state.status === "success" && state.result) {
    return (
      <ShownOnceSecret
        label={`Password for ${state.result.name}`}
        value={state.result.password}
        warning="This password will only be shown once. Please copy it now."
        onClose={onCancel}
      />
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField label="Email" name="email" type="email" required defaultValue={state.values?.email} errors={errors.email} />
      <TextField label="Name" name="name" required defaultValue={state.values?.name} errors={errors.name} />
      <RoleSelect roles={["user", "auditor", "admin"]} defaultValue={state.values?.role} errors={errors.role} />
      <GroupCheckboxes groups={groups} errors={errors.auto_groups} legend="Auto-assigned groups" />
      <p className="text-sm text-slate-600">
        A password is generated and shown once. The person must choose their own at first sign-in.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <SubmitButton pendingLabel="Creating…">Create</SubmitButton>
      </div>
    </form>
  );
}

export function AddUserDialog({ groups }: { groups: Group[] }) {
  const [open, setOpen] = useState(false);
  const [tab] = useState<"create">("create");
  return (
    <>
      <Button onClick={() => setOpen(true)}>Add User</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Add User">
        <div role="tablist" aria-label="How to add the user" className="mb-4 flex gap-1 border-b border-slate-200">
          <button
            type="button"
            role="tab"
            aria-selected={tab === "create"}
            className="-mb-px border-b-2 border-indigo-600 px-3 py-2 text-sm font-medium text-indigo-700"
          >
            Create User
          </button>
        </div>
        <div role="tabpanel" aria-label="Create User">
          <CreateUserForm groups={groups} onCancel={() => setOpen(false)} />
        </div>
      </Dialog>
    </>
  );
}
