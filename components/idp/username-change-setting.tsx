"use client";

import { Fragment } from "react";
import { useTranslations } from "next-intl";
import { setUsernameChangeAction } from "@/app/(dashboard)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { Checkbox } from "@/components/ui/checkbox";

/** usernames: the owner's switch "People may change their own username" (Profile shows the field when on). */
export function UsernameChangeSetting({ allowed, canManage }: { allowed: boolean; canManage: boolean }) {
  const form = useServerForm(setUsernameChangeAction, { announce: true });
  const state = form.state;
  const t = useTranslations("providersPage");
  const tc = useTranslations("common");
  return (
    <form {...form.formProps} className="space-y-3">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Fragment key={form.version}>
        <Checkbox
          name="users_may_change_username"
          label={t("usernameChangeLabel")}
          hint={t("usernameChangeHint")}
          defaultChecked={allowed}
          disabled={!canManage}
        />
      </Fragment>
      {canManage && (
        <FormActions pending={form.pending} pendingLabel={tc("saving")}>{tc("save")}</FormActions>
      )}
    </form>
  );
}
