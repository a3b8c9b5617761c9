import { useTranslations } from "next-intl";
import { useId } from "react";
import { describedByOf, FieldErrorText } from "@/components/ui/field-frame";

/**
 * Group choice as checkboxes named "auto_groups" (the API's field name) unless `name` says otherwise.
 * A refusal (`errors`) marks the boxes invalid and describes them with it, so a form's focus goes to the
 * first box and a screen reader says why (use-server-form).
 */
export function GroupCheckboxes({
  groups,
  selected = [],
  errors,
  legend,
  disabled = false,
  name = "auto_groups",
  hint,
}: {
  groups: { id: string; name: string }[];
  selected?: string[];
  errors?: string[];
  legend?: string;
  disabled?: boolean;
  name?: string;
  hint?: string;
}) {
  const t = useTranslations("team");
  const col = useTranslations("columns");
  const id = useId();
  const invalid = Boolean(errors?.length);
  return (
    <fieldset>
      <legend className="block text-sm font-medium text-slate-900">{legend ?? col("groups")}</legend>
      {hint && <p className="text-xs text-slate-500">{hint}</p>}
      {groups.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">{t("noGroupsYet")}</p>
      ) : (
        <div className="mt-1 flex max-h-40 flex-wrap gap-x-4 gap-y-1 overflow-y-auto">
          {groups.map((g) => (
            <label key={g.id} className="flex min-w-0 items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                name={name}
                value={g.id}
                defaultChecked={selected.includes(g.id)}
                disabled={disabled}
                aria-invalid={invalid || undefined}
                aria-describedby={describedByOf(id, undefined, errors)}
                className="shrink-0"
              />
              <span className="min-w-0 [overflow-wrap:anywhere]">{g.name}</span>
            </label>
          ))}
        </div>
      )}
      <FieldErrorText id={id} errors={errors} className="mt-1" />
    </fieldset>
  );
}
