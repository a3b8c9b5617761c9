"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import type { Role } from "@/lib/db/schema";
import { describedByOf, FieldFrame } from "@/components/ui/field-frame";
import { useTypedBeforeHydration } from "@/components/ui/typed-before-hydration";

/**
 * The role to give. Each option is the role's name only, and what the chosen role may do is the field's
 * hint below it: a name with its description in one option ran past the closed field on a phone (390 px)
 * and was cut there, mid-word, in any language. `meaning` words a role for its page (service users' roles
 * say their API access); by default, the role's description.
 */
export function RoleSelect({
  roles,
  defaultValue,
  errors,
  onChange,
  meaning,
}: {
  roles: Role[];
  defaultValue?: string;
  errors?: string[];
  onChange?: (role: string) => void;
  meaning?: (role: Role) => string;
}) {
  const t = useTranslations("team");
  const col = useTranslations("columns");
  const [chosen, setChosen] = useState(defaultValue ?? "user");
  const select = useRef<HTMLSelectElement>(null);
  const choose = (role: string) => {
    setChosen(role);
    onChange?.(role);
  };
  // A role picked before the page's script ran: the hint (and onChange) follow it from the start.
  useTypedBeforeHydration(select, (picked) => picked !== chosen && choose(picked));
  const role = roles.find((r) => r === chosen);
  const hint = role ? (meaning ? meaning(role) : t(`roles.${role}.description`)) : undefined;
  return (
    <FieldFrame id="field-role" label={col("role")} hint={hint} errors={errors}>
      <select
        ref={select}
        id="field-role"
        name="role"
        defaultValue={defaultValue ?? "user"}
        onChange={(e) => choose(e.target.value)}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedByOf("field-role", hint, errors)}
        className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}.name`)}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
