import { useTranslations } from "next-intl";
import type { Role } from "@/lib/db/schema";
import { describedByOf, FieldFrame } from "@/components/ui/field-frame";

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
  const t = useTranslations("team");
  const col = useTranslations("columns");
  return (
    <FieldFrame id="field-role" label={col("role")} errors={errors}>
      <select
        id="field-role"
        name="role"
        defaultValue={defaultValue ?? "user"}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedByOf("field-role", undefined, errors)}
        className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}.name`)} — {t(`roles.${r}.description`)}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
