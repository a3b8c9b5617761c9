import type { Role } from "@/lib/db/schema";
import { BUILT_IN_ROLES } from "@/lib/auth/permissions";
import { ROLE_LABELS } from "./role-label";

export const ROLE_DESCRIPTIONS = Object.fromEntries(Object.values(BUILT_IN_ROLES).map((r) => [r.id, r.description])) as Record<Role, string>;

export function RoleSelect({
  roles,
  defaultValue,
  errors,
  onChange,
}: {
  roles: Role[];
  defaultValue?: string;
  errors?: string[];
  onChange?: (role: string) => void;
}) {
  return (
    <div>
      <label htmlFor="field-role" className="block text-sm font-medium text-slate-900">
        Role
      </label>
      <select
        id="field-role"
        name="role"
        defaultValue={defaultValue ?? "user"}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        aria-invalid={errors?.length ? true : undefined}
        className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]} — {ROLE_DESCRIPTIONS[r]}
          </option>
        ))}
      </select>
      {errors?.length ? <p className="mt-1 text-sm text-red-600">{errors.join(" ")}</p> : null}
    </div>
  );
}
