"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { createInviteAction } from "@/app/(dashboard)/team/users/invite-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { NewPersonFields } from "@/components/users/new-person-fields";
import { Checkbox } from "@/components/ui/checkbox";
import { InviteExpiryField } from "./invite-expiry-field";
import { InviteLinkResult } from "./invite-link-result";

/** `groups`: null when the actor may invite but not put people in groups (users:update; lib/auth/escalation.ts). */
export function InviteUserForm({ groups, onCancel, mailEnabled = false }: { groups: { id: string; name: string }[] | null; onCancel: () => void; mailEnabled?: boolean }) {
  const form = useServerForm(createInviteAction);
  const t = useTranslations("invitesPage.form");
  const add = useTranslations("usersPage.add");
  const state = form.state;
  // The button says what it will do: send the invite, or make a link to hand over (review 20).
  const [sendsEmail, setSendsEmail] = useState(mailEnabled && (state.values ? state.values.send_email === "on" : true));
  if (state.status === "success" && state.result?.emailedTo) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{t("emailed", { email: state.result.emailedTo })}</Alert>
        <div className="flex justify-end">
          {/* The form (and the button pressed) is gone: the focus goes to Done, not to the page (review 20). */}
          <Button autoFocus onClick={onCancel}>
            {t("done")}
          </Button>
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
      <NewPersonFields values={state.values} errors={errors} emailHint={t("emailHint")} usernameHint={t("usernameHint")} />
      <InviteExpiryField defaultValue={state.values?.expires_in_days} errors={errors.expires_in_days} />
      {groups && <GroupCheckboxes groups={groups} errors={errors.auto_groups} legend={add("autoGroups")} />}
      {mailEnabled && <Checkbox name="send_email" label={t("sendEmail")} hint={t("sendEmailHint")} defaultChecked={state.values ? state.values.send_email === "on" : true} onChange={setSendsEmail} />}
      <FormActions onCancel={onCancel} pending={form.pending} pendingLabel={add("creating")}>{sendsEmail ? t("submitByEmail") : t("submit")}</FormActions>
    </form>
  );
}
