import type { TextareaHTMLAttributes } from "react";
import { describedByOf, FieldFrame } from "./field-frame";

/** A labelled multi-line input (TextField's twin), with its hint and error messages linked for screen readers. */
export function TextAreaField({
  label,
  name,
  errors,
  hint,
  className = "",
  ...textarea
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const id = textarea.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} hint={hint} errors={errors} className={className}>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedByOf(id, hint, errors)}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500 read-only:bg-slate-50"
        {...textarea}
      />
    </FieldFrame>
  );
}
