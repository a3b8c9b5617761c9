"use client";

import { listValue } from "@/lib/forms/form-state";
import { useTranslations } from "next-intl";
import { saveSecurityPolicyAction } from "@/app/(dashboard)/settings/security/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { useServerForm } from "@/components/ui/use-server-form";
import { Card } from "@/components/ui/card";

/** Who two-factor may be required for; each one's words are in "securityPage.choices". */
const CHOICES = ["nobody", "admins", "everyone", "groups"] as const;

/** Settings → Security: who must use two-factor sign-in, and after how many days' grace. */
export function SecurityPolicyForm({
  initial,
  groups,
  readOnly,
}: {
  initial: { requireFor: string; groupIds: string[]; graceDays: number };
  groups: { id: string; name: string }[];
  readOnly: boolean;
}) {
  const form = useServerForm(saveSecurityPolicyAction, { announce: true });
  const state = form.state;
  const t = useTranslations("securityPage");
  const tc = useTranslations("common");
  const v = form.values;
  const requireFor = v?.require_for ?? initial.requireFor;
  const groupIds = v?.auto_groups !== undefined ? listValue(v.auto_groups) : initial.groupIds;
  return (
    <form {...form.formProps} className="space-y-6">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Card key={form.version} className="space-y-4">
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">{t("requireFor")}</legend>
          <div className="mt-2 space-y-2">
            {CHOICES.map((c) => (
              <label key={c} className="flex items-start gap-2 text-sm text-slate-700">
                <input type="radio" name="require_for" value={c} defaultChecked={requireFor === c} disabled={readOnly} className="mt-0.5" />
                <span>
                  {t(`choices.${c}`)}
                  {(c === "nobody" || c === "admins") && <span className="block text-xs text-slate-500">{t(`${c}Hint`)}</span>}
                </span>
              </label>
            ))}
          </div>
          {state.fieldErrors?.require_for && <p className="mt-1 text-sm text-red-600">{state.fieldErrors.require_for.join(" ")}</p>}
        </fieldset>
        <GroupCheckboxes legend={t("groups")} groups={groups} selected={groupIds} errors={state.fieldErrors?.group_ids} disabled={readOnly} />
        <TextField
          label={t("grace")}
          name="grace_days"
          type="number"
          min={0}
          max={365}
          defaultValue={v?.grace_days ?? String(initial.graceDays)}
          errors={state.fieldErrors?.grace_days}
          hint={t("graceHint")}
          disabled={readOnly}
          className="max-w-xs"
        />
        <p className="text-sm text-slate-600">{t("noLockout")}</p>
      </Card>
      {!readOnly && (
        <SubmitButton pending={form.pending} pendingLabel={tc("saving")}>
          {tc("save")}
        </SubmitButton>
      )}
    </form>
  );
}
