/** The permission grid shared by the role form and the token scope picker. */
import { useTranslations } from "next-intl";

export type GridPermission = { name: string; module: string; operation: string; description: string };

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
  // Labels by the permission's own name (`users:read` → rolesPage.permissions.users.read): the catalogue's keys are the message keys.
  const t = useTranslations("rolesPage");
  // Keys built from data: checked at run time (t.has), and by i18n/permission-messages.test.ts for the whole catalogue.
  const label = (key: string, fallback: string) => (t.has(key as never) ? t(key as never) : fallback);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {modules.map((module) => (
        <fieldset key={module} className="rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-900">{label(`modules.${module}`, module)}</legend>
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
                        {label(`permissions.${p.module}.${p.operation}`, p.description)}
                        {off && !disabled ? ` ${t("notYours")}` : ""}
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
