"use client";

import { useState } from "react";
import { createUserAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { InviteUserForm } from "@/components/invites/invite-user-form";
import { GroupCheckboxes } from "./group-checkboxes";
import { IdentityFields } from "./identity-fields";
import { RoleSelect } from "./role-select";

type Group = { id: string; name: string };

function CreateUserForm({ groups, onCancel }: { groups: Group[]; onCancel: () => void }) {
  const form = useServerForm(createUserAction);
  const state = form.state;
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
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <IdentityFields
        values={state.values}
        errors={errors}
        emailHint="Optional when you give a username."
        usernameHint="Left empty, it is made from the email."
        nameRequired
      />
      <RoleSelect roles={["user", "auditor", "admin"]} defaultValue={state.values?.role} errors={errors.role} />
      <GroupCheckboxes groups={groups} errors={errors.auto_groups} legend="Auto-assigned groups" />
      <p className="text-sm text-slate-600">
        A password is generated and shown once. The person must choose their own at first sign-in.
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

const TABS = [
  { id: "invite", label: "Invite User" },
  { id: "create", label: "Create User" },
] as const;

export function AddUserDialog({ groups, mailEnabled = false }: { groups: Group[]; mailEnabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<(typeof TABS)[number]["id"]>("invite");
  const close = () => setOpen(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Add User</Button>
      <Dialog open={open} onClose={close} title="Add User">
        <div
          role="tablist"
          aria-label="How to add the user"
          className="mb-4 flex gap-1 border-b border-slate-200"
          onKeyDown={(e) => {
            // Tabs are one stop for Tab; the arrow keys (and Home/End) move between them and select.
            const at = TABS.findIndex((t) => t.id === tab);
            const next =
              e.key === "ArrowRight" ? (at + 1) % TABS.length
              : e.key === "ArrowLeft" ? (at - 1 + TABS.length) % TABS.length
              : e.key === "Home" ? 0
              : e.key === "End" ? TABS.length - 1
              : -1;
            if (next < 0) return;
            e.preventDefault();
            setTab(TABS[next].id);
            document.getElementById(`add-user-tab-${TABS[next].id}`)?.focus();
          }}
        >
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`add-user-tab-${t.id}`}
              aria-selected={tab === t.id}
              tabIndex={tab === t.id ? 0 : -1}
              aria-controls={`add-user-panel-${t.id}`}
              onClick={() => setTab(t.id)}
              className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
                tab === t.id ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"
              }`}
            >
              {t.label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`add-user-panel-${tab}`} aria-labelledby={`add-user-tab-${tab}`}>
          {tab === "invite" ? (
            <InviteUserForm groups={groups} onCancel={close} mailEnabled={mailEnabled} />
          ) : (
            <CreateUserForm groups={groups} onCancel={close} />
          )}
        </div>
      </Dialog>
    </>
  );
}
