"use client";

import { createRoleAction, deleteRoleAction, updateRoleAction } from "@/app/(dashboard)/settings/roles/actions";
import { Alert } from "@/components/ui/alert";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { ROLE_DESCRIPTION_MAX, ROLE_NAME_MAX } from "@/lib/roles/schemas";

export type GridPermission = { name: string; module: string; operation: string; description: string };
export type RoleFormValue = { id?: string; name: string; description: string; permissions: string[]; builtIn: boolean };

const MODULE_LABELS: Record<string, string> = {
  users: "Users",
  service_users: "Service users",
  groups: "Groups",
  invites: "Invites",
  tokens: "Access tokens",
  events: "Activity",
  settings: "Settings",
  identity_providers: "Identity providers",
  roles: "Roles",
  applications: "Applications",
};

/**
 * The permission grid: one group of checkboxes per module, one per operation,
 * each labelled with what it allows. Owner-only powers and permissions the
 * viewer doesn't hold are shown but can't be ticked (the service refuses them
 * anyway; the grid only doesn't offer them).
 */
export function PermissionGrid({ permissions, checked, grantable, disabled }: { permissions: GridPermission[]; checked: Set<string>; grantable: Set<string>; disabled?: boolean }) {
  const modules = [...new Set(permissions.map((p) => p.module))];
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {modules.map((module) => (
        <fieldset key={module} className="rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-900">{MODULE_LABELS[module] ?? module}</legend>
          <ul className="space-y-2">
            {permissions
              .filter((p) => p.module === module)
              .map((p) => {
                const id = `perm-${p.name.replace(":", "-")}`;
                const off = disabled || (!grantable.has(p.name) && !checked.has(p.name));
                return (
                  <li key={p.name} className="flex items-start gap-2">
                    <input
                      id={id}
                      type="checkbox"
                      name="permissions"
                      value={p.name}
                      defaultChecked={checked.has(p.name)}
                      disabled={off}
                      aria-describedby={`${id}-desc`}
                      className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600"
                    />
                    <label htmlFor={id} className="text-sm">
                      <span className="font-mono text-slate-900">{p.name}</span>
                      <span id={`${id}-desc`} className="block text-xs text-slate-600">
                        {p.description}
                        {off && !disabled ? " (not yours to grant)" : ""}
                      </span>
                    </label>
                  </li>
                );
              })}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}

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
