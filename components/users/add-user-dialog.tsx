"use client";

import { useState } from "react";
import { createUserAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { InviteUserForm } from "@/components/invites/invite-user-form";
import { GroupCheckboxes } from "./group-checkboxes";
import { RoleSelect } from "./role-select";
import { suggestedUsername } from "@/lib/users/username-rule";

type Group = { id: string; name: string };

function CreateUserForm({ groups, onCancel }: { groups: Group[]; onCancel: () => void }) {
  const form = useServerForm(createUserAction);
  const state = form.state;
  const [username, setUsername] = useState("");
  const [usernameTyped, setUsernameTyped] = useState(false);
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
      <TextField
        label="Email"
        name="email"
        type="email"
        defaultValue={state.values?.email}
        errors={errors.email}
        hint="Optional when you give a username."
        onChange={(e) => {
          // usernames: prefilled from the email's local part until the admin types one.
          if (!usernameTyped) setUsername(suggestedUsername(e.currentTarget.value));
        }}
      />
      <TextField
        label="Username"
        name="username"
        autoCapitalize="none"
        spellCheck={false}
        maxLength={64}
        value={username}
        onChange={(e) => {
          setUsername(e.currentTarget.value);
          setUsernameTyped(true);
        }}
        errors={errors.username}
        hint="Letters, digits, “.”, “_” and “-”. Left empty, it is made from the email."
      />
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
