"use client";

import { useTranslations } from "next-intl";
import { createRoleAction, deleteRoleAction, updateRoleAction } from "@/app/(dashboard)/settings/roles/actions";
import { Alert } from "@/components/ui/alert";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { PermissionGrid, type GridPermission } from "./permission-grid";
import { ROLE_DESCRIPTION_MAX, ROLE_NAME_MAX } from "@/lib/roles/schemas";
import { bindAction } from "@/lib/forms/bind-action";

export type { GridPermission } from "./permission-grid";

export type RoleFormValue = { id?: string; name: string; description: string; permissions: string[]; builtIn: boolean };

/** `renameRefused`: why the role can't be renamed by this person (said under Name, which stays as it is), or null. */
export function RoleForm({ role, permissions, grantable, canSave, renameRefused = null }: { role: RoleFormValue; permissions: GridPermission[]; grantable: string[]; canSave: boolean; renameRefused?: string | null }) {
  const action = role.id ? bindAction(updateRoleAction, role.id) : createRoleAction;
  const form = useServerForm(action, { announce: true });
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  const kept = state.status === "error" ? state.values : undefined;
  const checked = new Set(kept ? (kept.permissions ? kept.permissions.split(",") : []) : role.permissions);
  const readOnly = role.builtIn || !canSave;
  const t = useTranslations("rolesPage");
  const col = useTranslations("columns");
  const common = useTranslations("common");
  return (
    <form {...form.formProps} className="space-y-6">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <div key={form.version} className="space-y-4">
        <TextField label={col("name")} name="name" required hint={readOnly ? undefined : (renameRefused ?? common("upToCharacters", { max: ROLE_NAME_MAX }))} readOnly={readOnly || renameRefused !== null} defaultValue={kept?.name ?? role.name} errors={errors.name} autoComplete="off" />
        <TextField label={t("description")} name="description" hint={readOnly ? undefined : common("upToCharacters", { max: ROLE_DESCRIPTION_MAX })} readOnly={readOnly} defaultValue={kept?.description ?? role.description} errors={errors.description} autoComplete="off" />
        <div>
          <h2 className="mb-2 text-base font-semibold text-slate-900">{col("permissions")}</h2>
          {errors.permissions && (
            <ul className="mb-2 text-sm text-red-600">
              {errors.permissions.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
          {/* What the role holds stays tickable: unticked and refused, it can be ticked again (the service decides). */}
          <PermissionGrid permissions={permissions} checked={checked} grantable={new Set([...grantable, ...role.permissions])} disabled={readOnly} />
        </div>
      </div>
      {!readOnly && (
        <FormActions pending={form.pending} pendingLabel={t("saving")}>{role.id ? t("save") : t("create")}</FormActions>
      )}
    </form>
  );
}

/** Deleting asks first and names everyone who holds the role, and through what. */
export function DeleteRoleButton({ role, holders }: { role: { id: string; name: string }; holders: string[] }) {
  const t = useTranslations("rolesPage");
  return (
    <ConfirmAction
      label={t("delete")}
      title={t("deleteTitle", { name: role.name })}
      confirmLabel={t("delete")}
      variant="danger"
      action={bindAction(deleteRoleAction, role.id)}
      body={
        holders.length === 0 ? (
          <p>{t("nobodyHolds")}</p>
        ) : (
          <>
            <p>{t("holdersLose")}</p>
            <ul className="mt-2 list-disc pl-5">
              {holders.map((h) => (
                <li key={h}>{h}</li>
              ))}
            </ul>
          </>
        )
      }
    />
  );
}
