"use client";

import { useTranslations } from "next-intl";
import { describedByOf, FieldFrame } from "@/components/ui/field-frame";

export function TextArea({
  label,
  name,
  defaultValue,
  hint,
  errors,
  rows = 3,
  disabled,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  hint?: string;
  errors?: string[];
  rows?: number;
  disabled?: boolean;
}) {
  const id = `field-${name}`;
  return (
    <FieldFrame id={id} label={label} hint={hint} errors={errors}>
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={defaultValue}
        disabled={disabled}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500"
      />
    </FieldFrame>
  );
}

export function Select({
  id: givenId,
  label,
  name,
  options,
  defaultValue,
  errors,
  disabled,
  onChange,
}: {
  id?: string;
  label: string;
  name: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  errors?: string[];
  disabled?: boolean;
  onChange?: (value: string) => void;
}) {
  const id = givenId ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} errors={errors}>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        disabled={disabled}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedByOf(id, undefined, errors)}
        className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** The roles a new user from a sign-in source may get, described, in the person's language. */
export function useRoleOptions(): { value: string; label: string }[] {
  const t = useTranslations("settingsPages.roleOptions");
  return [
    { value: "user", label: t("user") },
    { value: "auditor", label: t("auditor") },
    { value: "admin", label: t("admin") },
  ];
}
