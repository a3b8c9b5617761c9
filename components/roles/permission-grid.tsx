/** The permission grid shared by the role form and the token scope picker. */
export type GridPermission = { name: string; module: string; operation: string; description: string };

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
export function PermissionGrid({
  permissions,
  checked,
  grantable,
  disabled,
  idPrefix = "perm",
}: {
  permissions: GridPermission[];
  checked: Set<string>;
  grantable: Set<string>;
  disabled?: boolean;
  /** Keeps the checkboxes' ids apart when two grids can be on one page. */
  idPrefix?: string;
}) {
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
                const id = `${idPrefix}-${p.name.replace(":", "-")}`;
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
                      className="mt-1 h-4 w-4 shrink-0 rounded border-slate-300 text-indigo-600"
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
