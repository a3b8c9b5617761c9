"use client";

import { saveSecurityPolicyAction } from "@/app/(dashboard)/settings/security/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { useServerForm } from "@/components/ui/use-server-form";

const CHOICES = [
  { value: "nobody", label: "Nobody", hint: "Everyone may still turn it on for themselves." },
  { value: "admins", label: "Owner and admins" },
  { value: "everyone", label: "Everyone" },
  { value: "groups", label: "Members of chosen groups" },
] as const;

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
  const v = form.values;
  const requireFor = v?.require_for ?? initial.requireFor;
  const groupIds = v?.auto_groups !== undefined ? v.auto_groups.split(",").filter(Boolean) : initial.groupIds;
  return (
    <form {...form.formProps} className="space-y-6" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <section key={form.version} className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Require two-factor authentication for</legend>
          <div className="mt-2 space-y-2">
            {CHOICES.map((c) => (
              <label key={c.value} className="flex items-start gap-2 text-sm text-slate-700">
                <input type="radio" name="require_for" value={c.value} defaultChecked={requireFor === c.value} disabled={readOnly} className="mt-0.5" />
                <span>
                  {c.label}
                  {"hint" in c && <span className="block text-xs text-slate-500">{c.hint}</span>}
                </span>
              </label>
            ))}
          </div>
          {state.fieldErrors?.require_for && <p className="mt-1 text-sm text-red-600">{state.fieldErrors.require_for.join(" ")}</p>}
        </fieldset>
        <GroupCheckboxes legend="Groups (for “Members of chosen groups”)" groups={groups} selected={groupIds} errors={state.fieldErrors?.group_ids} disabled={readOnly} />
        <TextField
          label="Grace period (days)"
          name="grace_days"
          type="number"
          min={0}
          max={365}
          defaultValue={v?.grace_days ?? String(initial.graceDays)}
          errors={state.fieldErrors?.grace_days}
          hint="People who must use it and haven't set it up may sign in without it for this many days. 0: set-up at the next sign-in."
          disabled={readOnly}
          className="max-w-xs"
        />
        <p className="text-sm text-slate-600">
          Someone who must use two-factor and has no factor is taken to set-up right after their password, the owner included: nobody is locked out.
        </p>
      </section>
      {!readOnly && (
        <SubmitButton pending={form.pending} pendingLabel="Saving…">
          Save
        </SubmitButton>
      )}
    </form>
  );
}
