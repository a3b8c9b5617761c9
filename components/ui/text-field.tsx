import type { InputHTMLAttributes } from "react";
import { describedByOf, FieldFrame } from "./field-frame";

/**
 * A labelled input with its error messages linked for screen readers.
 *
 * A server limit on its length goes in the hint ("Up to 64 characters"), not in `maxLength`: the browser
 * cuts pasted text short without a word, so the person never learns what was saved. A longer value stays
 * as typed and the server's refusal is said at the field.
 */
export function TextField({
  label,
  name,
  errors,
  hint,
  className = "",
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const id = input.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} hint={hint} errors={errors} className={className}>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedByOf(id, hint, errors)}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500 read-only:bg-slate-50 sm:text-sm"
        {...input}
      />
    </FieldFrame>
  );
}
