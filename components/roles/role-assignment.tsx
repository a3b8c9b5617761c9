"use client";

import { useTranslations } from "next-intl";
import { setGroupRolesAction, setUserRolesAction } from "@/app/(dashboard)/settings/roles/actions";
import { Alert } from "@/components/ui/alert";
import { describedByOf, FieldErrorText } from "@/components/ui/field-frame";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { bindAction } from "@/lib/forms/bind-action";

export type AssignableRole = { id: string; name: string; description: string; grantable: boolean };

/**
 * Checkboxes of roles for a user (their extra roles) or a group (the roles it
 * grants). Roles the viewer couldn't give are shown but can't be ticked; the
 * service refuses them anyway.
 */
export function RoleAssignmentForm({ target, id, roles, held }: { target: "user" | "group"; id: string; roles: AssignableRole[]; held: string[] }) {
  const action = bindAction(target === "user" ? setUserRolesAction : setGroupRolesAction, id);
  const form = useServerForm(action, { announce: true });
  const state = form.state;
  const kept = state.status === "error" ? state.values?.role_ids : undefined;
  const checked = new Set(kept !== undefined ? (kept ? kept.split(",") : []) : held);
  const t = useTranslations("rolesPage.assign");
  const legend = target === "user" ? t("userLegend") : t("groupLegend");
  // A refusal of the ticked roles is said under the legend, and the boxes are marked (the form's focus goes to the first).
  const refused = state.fieldErrors?.role_ids;
  const errorsId = `${target}-roles`;
  return (
    <form {...form.formProps} className="space-y-3">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <fieldset key={form.version} aria-describedby={describedByOf(errorsId, undefined, refused)}>
        <legend className="text-sm font-medium text-slate-900">{legend}</legend>
        <FieldErrorText id={errorsId} errors={refused} className="mt-1" />
        <ul className="mt-2 space-y-2">
          {roles.map((r) => (
            <li key={r.id} className="flex items-start gap-2">
              <input
                id={`${target}-role-${r.id}`}
                type="checkbox"
                name="role_ids"
                value={r.id}
                defaultChecked={checked.has(r.id)}
                aria-invalid={refused?.length ? true : undefined}
                disabled={!r.grantable && !checked.has(r.id)}
                className="mt-1 h-4 w-4 shrink-0 rounded border-slate-300 text-indigo-600"
              />
              <label htmlFor={`${target}-role-${r.id}`} className="min-w-0 text-sm [overflow-wrap:anywhere]">
                <span className="font-medium text-slate-900">{r.name}</span>
                <span className="block text-xs text-slate-600">{r.description}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <SubmitButton pending={form.pending} pendingLabel={t("saving")}>
        {t("save")}
      </SubmitButton>
    </form>
  );
}
