"use client";

import { createRoleAction, deleteRoleAction, updateRoleAction } from "@/app/(dashboard)/settings/roles/actions";
import { Alert } from "@/components/ui/alert";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { PermissionGrid, type GridPermission } from "./permission-grid";
import { ROLE_DESCRIPTION_MAX, ROLE_NAME_MAX } from "@/lib/roles/schemas";

export type { GridPermission } from "./permission-grid";

export type RoleFormValue = { id?: string; name: string; description: string; permissions: string[]; builtIn: boolean };

export function RoleForm({ role, permissions, grantable, canSave }: { role: RoleFormValue; permissions: GridPermission[]; grantable: string[]; canSave: boolean }) {
  const action = role.id ? updateRoleAction.bind(null, role.id) : createRoleAction;
  const form = useServerForm(action, { announce: true });
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  const kept = state.status === "error" ? state.values : undefined;
  const checked = new Set(kept ? (kept.permissions ? kept.permissions.split(",") : []) : role.permissions);
  const readOnly = role.builtIn || !canSave;
  return (
    <form {...form.formProps} className="space-y-6" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <div key={form.version} className="space-y-4">
        <TextField label="Name" name="name" required maxLength={ROLE_NAME_MAX} readOnly={readOnly} defaultValue={kept?.name ?? role.name} errors={errors.name} autoComplete="off" />
        <TextField label="Description" name="description" maxLength={ROLE_DESCRIPTION_MAX} readOnly={readOnly} defaultValue={kept?.description ?? role.description} errors={errors.description} autoComplete="off" />
        <div>
          <h2 className="mb-2 text-base font-semibold text-slate-900">Permissions</h2>
          {errors.permissions && (
            <ul className="mb-2 text-sm text-red-600">
              {errors.permissions.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
          <PermissionGrid permissions={permissions} checked={checked} grantable={new Set(grantable)} disabled={readOnly} />
        </div>
      </div>
      {!readOnly && (
        <div className="flex justify-end">
          <SubmitButton pending={form.pending} pendingLabel="Saving…">
            {role.id ? "Save Role" : "Create Role"}
          </SubmitButton>
        </div>
      )}
    </form>
  );
}

/** Deleting asks first and names everyone who holds the role, and through what. */
export function DeleteRoleButton({ role, holders }: { role: { id: string; name: string }; holders: string[] }) {
  return (
    <ConfirmAction
      label="Delete Role"
      title={`Delete role ${role.name}?`}
      confirmLabel="Delete Role"
      variant="danger"
      action={deleteRoleAction.bind(null, role.id)}
      body={
        holders.length === 0 ? (
          <p>Nobody holds this role.</p>
        ) : (
          <>
            <p>These people lose its permissions at once:</p>
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
