/**
 * A box to tick with its label and an optional hint beside it. One for every form (settings, invites,
 * Edit user): `errors`, the server's refusal of this box's setting, shown under it.
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
  return (
    <>
      <label className="flex items-start gap-2 text-sm text-slate-900">
        <input type="checkbox" name={name} defaultChecked={defaultChecked} disabled={disabled} className="mt-0.5 shrink-0" />
        <span className="min-w-0 [overflow-wrap:anywhere]">
          <span className="font-medium">{label}</span>
          {hint && <span className="block text-xs text-slate-500">{hint}</span>}
        </span>
      </label>
      {errors && <p className="text-sm text-red-600">{errors.join(" ")}</p>}
    </>
  );
}
