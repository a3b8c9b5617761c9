import type { ReactNode } from "react";

/** The ids a field's control points at with aria-describedby: its error list, then its hint. */
export function describedByOf(id: string, hint?: string, errors?: string[]): string | undefined {
  return [errors?.length ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

/**
 * The refusal of a control that has no FieldFrame (a checkbox, a fieldset of boxes), at the id describedByOf names:
 * one line, nothing when there is none.
 */
export function FieldErrorText({ id, errors, className = "" }: { id: string; errors?: string[]; className?: string }) {
  if (!errors?.length) return null;
  return (
    <p id={`${id}-error`} className={`${className} text-sm text-red-600`.trim()}>
      {errors.join(" ")}
    </p>
  );
}

/** What every labelled field shares around its control: the label, the hint and the error messages. */
export function FieldFrame({
  id,
  label,
  hint,
  errors,
  className = "",
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <ul id={`${id}-error`} className="mt-1 text-sm text-red-600">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
