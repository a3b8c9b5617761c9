import { useId } from "react";
import { describedByOf, FieldErrorText } from "@/components/ui/field-frame";

/**
 * A box to tick with its label and an optional hint beside it. One for every form (settings, invites,
 * Edit user): `errors`, the server's refusal of this box's setting, shown under it, describing the box
 * (which is marked invalid, so a refused form's focus goes to it).
 */
export function Checkbox({
  name,
  label,
  hint,
  defaultChecked,
  disabled,
  errors,
}: {
  name: string;
  label: string;
  hint?: string;
  defaultChecked?: boolean;
  disabled?: boolean;
  errors?: string[];
}) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  return (
    <>
      <label className="flex items-start gap-2 text-sm text-slate-900">
        <input
          type="checkbox"
          name={name}
          defaultChecked={defaultChecked}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={describedByOf(id, undefined, errors)}
          className="mt-0.5 shrink-0"
        />
        <span className="min-w-0 [overflow-wrap:anywhere]">
          <span className="font-medium">{label}</span>
          {hint && <span className="block text-xs text-slate-500">{hint}</span>}
        </span>
      </label>
      <FieldErrorText id={id} errors={errors} />
    </>
  );
}
