"use client";

import { createInviteAction } from "@/app/(dashboard)/team/users/invite-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { IdentityFields } from "@/components/users/identity-fields";
import { RoleSelect } from "@/components/users/role-select";
import { Checkbox } from "@/components/idp/form-bits";
import { InviteLinkResult } from "./invite-link-result";

export function InviteUserForm({ groups, onCancel, mailEnabled = false }: { groups: { id: string; name: string }[]; onCancel: () => void; mailEnabled?: boolean }) {
  const form = useServerForm(createInviteAction);
  const state = form.state;
  if (state.status === "success" && state.result?.emailedTo) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
            The invite is on its way to {state.result.emailedTo}. If the mail server can&apos;t be reached it stays queued and is sent when it is back (see Settings → Email).
          </Alert>
        <div className="flex justify-end">
          <Button onClick={onCancel}>Done</Button>
        </div>
      </div>
    );
  }
  if (state.status === "success" && state.result) {
    return <InviteLinkResult token={state.result.token} expiresAt={state.result.expiresAt} onClose={onCancel} />;
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <IdentityFields
        values={state.values}
        errors={errors}
        emailHint="Optional for a link you hand over yourself; needed to send the invite by email."
        usernameHint="Left empty, the invitee picks it when accepting."
        nameRequired
      />
      <RoleSelect roles={["user", "auditor", "admin"]} defaultValue={state.values?.role} errors={errors.role} />
      <TextField
        label="Expires in (days)"
        name="expires_in_days"
        type="number"
        min={1}
        max={365}
        required
        defaultValue={state.values?.expires_in_days ?? "3"}
        errors={errors.expires_in_days}
      />
      <GroupCheckboxes groups={groups} errors={errors.auto_groups} legend="Auto-assigned groups" />
      {mailEnabled && <Checkbox name="send_email" label="Send the invite by email" hint="Needs an email. Off: the link is shown once for you to hand over." defaultChecked={state.values ? state.values.send_email === "on" : true} />}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <SubmitButton pending={form.pending} pendingLabel="Creating…">Create Invite Link</SubmitButton>
      </div>
    </form>
  );
}
