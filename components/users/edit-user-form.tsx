"use client";

import { listValue } from "@/lib/forms/form-state";
import { useTranslations } from "next-intl";
import { Fragment, useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { updateUserAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ACTIONS_ROW, FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import type { Role } from "@/lib/db/schema";
import { CONFIRM_TRANSFER_FIELD } from "@/lib/users/transfer-confirmation";
import { useServerForm } from "@/components/ui/use-server-form";
import { GroupCheckboxes } from "./group-checkboxes";
import { RoleSelect } from "./role-select";
import { bindAction } from "@/lib/forms/bind-action";
import { Checkbox } from "@/components/ui/checkbox";
import { EMAIL_VERIFIED_SHOWN } from "@/lib/users/form-fields";
import { ProofFields } from "@/components/mfa/proof-fields";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { USERNAME_MAX } from "@/lib/users/username-rule";

/** Why the email is shown read-only. */
const EMAIL_HINTS = { fromIdp: "emailFromIdp", ownFromProfile: "emailOwnFromProfile", needsResetPermission: "emailNeedsResetPermission" } as const;

type EditableUser = {
  id: string;
  name: string;
  email: string | null;
  username: string;
  role: Role;
  isBlocked: boolean;
  autoGroups: string[];
  /** Whether this actor may change the email here, and if not, why (shown under the read-only field). */
  emailEdit: "editable" | "fromIdp" | "ownFromProfile" | "needsResetPermission";
  /** Whether the address is proven; shown as a box to tick when this actor may vouch for it (else not shown). */
  emailVerified: boolean;
  canVouchForEmail: boolean;
  /** False on one's own page for anyone but the owner: apps trust group names (lib/auth/escalation.ts). */
  groupsEditable: boolean;
};

/**
 * Name, email (and, for someone who may vouch for it, whether it is confirmed), username, role and
 * groups. Choosing "Owner" asks to confirm the
 * ownership transfer first: a dialog, whose confirmation rides along as
 * CONFIRM_TRANSFER_FIELD. The server refuses a transfer without it, so a page
 * used without JavaScript gets the refusal and a box to tick instead.
 * `transferProof`: what the owner gives to prove it's them (lib/users/rules.ts transferNeedsProof), asked in
 * the dialog (and beside the box); a refused proof opens the dialog again with the reason, keeping the rest.
 */
export function EditUserForm({
  user,
  roles,
  groups,
  transferProof,
}: {
  user: EditableUser;
  roles: Role[];
  groups: { id: string; name: string }[];
  transferProof?: ProofKind;
}) {
  const [confirming, setConfirming] = useState(false);
  const proofIds = { password: useId(), code: useId() };
  // False in the server's HTML (a page used without JavaScript shows the proof beside the box instead).
  const scripted = useSyncExternalStore(noSubscription, () => true, () => false);
  const t = useTranslations("usersPage.edit");
  const col = useTranslations("columns");
  const common = useTranslations("common");
  const confirmed = useRef(false);
  const confirmation = useRef<HTMLInputElement>(null);
  const form = useServerForm(bindAction(updateUserAction, user.id), {
    announce: true,
    onSubmit: (e) => {
      const role = new FormData(e.currentTarget).get("role");
      if (role === "owner" && user.role !== "owner" && !confirmed.current) {
        if (confirming) {
          // Enter in the dialog's password field submits this form (the dialog is inside it): that is the
          // confirmation, as the dialog's button is. Before, it only opened the open dialog again (review 20).
          confirmed.current = true;
          setConfirming(false);
        } else {
          e.preventDefault();
          setConfirming(true);
        }
      }
      if (confirmation.current) confirmation.current.value = confirmed.current ? "yes" : "";
      confirmed.current = false;
    },
  });
  const { state, values } = form;
  const errors = state.fieldErrors ?? {};
  const proofRefused = Boolean(transferProof && (errors.password || errors.code));
  // The proof's refusal (a wrong password) is said where it was typed: the dialog, open again.
  useEffect(() => {
    if (proofRefused) setConfirming(true);
  }, [state, proofRefused]);
  const transferBody = t("transferBody", { name: user.name || user.email || user.username });

  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Fragment key={form.version}>
      <TextField label={col("name")} name="name" required defaultValue={values?.name ?? user.name} errors={errors.name} />
      {user.emailEdit === "editable" ? (
        <TextField label={col("email")} name="email" type="email" required={!!user.email} defaultValue={values?.email ?? user.email ?? ""} errors={errors.email} />
      ) : (
        user.email && (
          <TextField
            label={col("email")}
            name="email_readonly"
            readOnly
            value={user.email}
            hint={t(EMAIL_HINTS[user.emailEdit])}
          />
        )
      )}
      {user.canVouchForEmail && (user.email || user.emailEdit === "editable") && (
        <>
          <input type="hidden" name={EMAIL_VERIFIED_SHOWN} value="1" />
          <Checkbox
            name="email_verified"
            label={t("emailConfirmed")}
            hint={t("emailConfirmedHint")}
            defaultChecked={values ? values.email_verified === "on" : user.emailVerified}
            errors={errors.email_verified}
          />
        </>
      )}
      <TextField
        label={col("username")}
        name="username"
        required
        autoCapitalize="none"
        spellCheck={false}
        hint={common("upToCharacters", { max: USERNAME_MAX })}
        defaultValue={values?.username ?? user.username}
        errors={errors.username}
      />
      {roles.length > 1 ? (
        <RoleSelect roles={roles} defaultValue={values?.role ?? user.role} errors={errors.role} />
      ) : (
        <input type="hidden" name="role" value={user.role} />
      )}
      {user.groupsEditable ? (
        <GroupCheckboxes groups={groups} selected={values?.auto_groups !== undefined ? listValue(values.auto_groups) : user.autoGroups} errors={errors.auto_groups} />
      ) : (
        <>
          {/* Shown, not sent as a change: a form without JavaScript sends the stored groups back, which changes nothing. */}
          <GroupCheckboxes groups={groups} selected={user.autoGroups} disabled hint={t("ownGroupsLocked")} name="auto_groups_shown" />
          {user.autoGroups.map((groupId) => (
            <input key={groupId} type="hidden" name="auto_groups" value={groupId} />
          ))}
        </>
      )}
      </Fragment>
      {errors[CONFIRM_TRANSFER_FIELD] || (proofRefused && !scripted) ? (
        <div className="space-y-4">
          <div>
            <label className="flex items-start gap-2 text-sm text-slate-900">
              <input type="checkbox" name={CONFIRM_TRANSFER_FIELD} value="yes" aria-invalid={errors[CONFIRM_TRANSFER_FIELD] ? "true" : undefined} className="mt-0.5" />
              <span>{transferBody}</span>
            </label>
            {errors[CONFIRM_TRANSFER_FIELD] && <p className="mt-1 text-sm text-red-600">{errors[CONFIRM_TRANSFER_FIELD].join(" ")}</p>}
          </div>
          {transferProof && !confirming && <ProofFields proof={transferProof} errors={errors} why={t("transferProofWhy")} />}
        </div>
      ) : null}
      <input ref={confirmation} type="hidden" name={CONFIRM_TRANSFER_FIELD} defaultValue="" />
      <FormActions pendingLabel={common("saving")} pending={form.pending}>{t("save")}</FormActions>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={t("transferTitle")}>
        <div className="space-y-4 text-sm text-slate-700">
          <p>{transferBody}</p>
          {transferProof && <ProofFields proof={transferProof} errors={proofRefused ? errors : undefined} ids={proofIds} why={t("transferProofWhy")} />}
          <div className={ACTIONS_ROW}>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              {common("cancel")}
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                const element = form.formProps.ref.current;
                if (!element) return;
                // An empty or wrong proof comes back from the server, said in the dialog (opened again above).
                setConfirming(false);
                confirmed.current = true;
                element.requestSubmit();
              }}
            >
              {t("transfer")}
            </Button>
          </div>
        </div>
      </Dialog>
    </form>
  );
}

const noSubscription = () => () => {};
