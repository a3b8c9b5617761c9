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
  onChange,
}: {
  name: string;
  label: string;
  hint?: string;
  defaultChecked?: boolean;
  disabled?: boolean;
  errors?: string[];
  /** Told whether the box is ticked after each change (a form whose other parts follow it). */
  onChange?: (checked: boolean) => void;
}) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  // The error line sits in the label's column, right under its text: as a sibling of the whole row it took
  // the parent's space-y-* gap and started under the box.
  return (
    <div className="flex items-start gap-2 text-sm text-slate-900">
      <input
        id={id}
        type="checkbox"
        name={name}
        defaultChecked={defaultChecked}
        disabled={disabled}
        onChange={onChange && ((e) => onChange(e.currentTarget.checked))}
        aria-invalid={invalid || undefined}
        aria-describedby={describedByOf(id, undefined, errors)}
        className="mt-0.5 shrink-0"
      />
      <div className="min-w-0 [overflow-wrap:anywhere]">
        <label htmlFor={id} className="block">
          <span className="font-medium">{label}</span>
          {hint && <span className="block text-xs text-slate-500">{hint}</span>}
        </label>
        <FieldErrorText id={id} errors={errors} className="mt-1" />
      </div>
    </div>
  );
}
