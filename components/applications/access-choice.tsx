"use client";

import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";

/** The form's two choices; an app that admits nobody (its groups were deleted) shows "groups" with no box ticked. */
export type AccessChoiceValue = "everyone" | "groups";
const CHOICES: ReadonlyArray<{ value: AccessChoiceValue; label: "accessEveryone" | "accessGroups" }> = [
  { value: "everyone", label: "accessEveryone" },
  { value: "groups", label: "accessGroups" },
];

/**
 * "Who may sign in": Everyone, or only members of the ticked groups. Once the script runs, the boxes
 * are disabled while Everyone is chosen, so they aren't submitted (the service refuses groups sent
 * with "everyone"); a box keeps its tick, for a change of mind. Without JavaScript they stay enabled.
 */
export function AccessChoice({
  access,
  groups,
  selected,
  errors,
  readOnly,
}: {
  access: AccessChoiceValue;
  groups: Array<{ id: string; name: string }>;
  selected: string[];
  errors?: { access?: string[]; allowed_groups?: string[] };
  readOnly: boolean;
}) {
  const t = useTranslations("applicationsPage");
  // Unknown until the script runs: the server renders every box enabled, so the form works without JavaScript.
  const [chosen, setChosen] = useState<AccessChoiceValue | null>(null);
  const ref = useRef<HTMLFieldSetElement>(null);
  // What the radios hold now (a choice made before the script loaded too), not what they were rendered with.
  useEffect(() => {
    const checked = ref.current?.querySelector<HTMLInputElement>('input[name="access"]:checked');
    if (checked?.value === "everyone" || checked?.value === "groups") setChosen(checked.value);
  }, []);
  return (
    <fieldset ref={ref}>
      <legend className="block text-sm font-medium text-slate-900">{t("whoMay")}</legend>
      <p id="access-hint" className="text-xs text-slate-500">
        {t("whoMayHint")}
      </p>
      <div className="mt-1 space-y-1">
        {CHOICES.map(({ value, label }) => (
          <label key={value} className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="radio"
              name="access"
              value={value}
              defaultChecked={access === value}
              disabled={readOnly}
              onChange={(event) => event.currentTarget.checked && setChosen(value)}
              aria-describedby="access-hint"
            />
            <span>{t(label)}</span>
          </label>
        ))}
      </div>
      {errors?.access?.length ? <p className="mt-1 text-sm text-red-600">{errors.access.join(" ")}</p> : null}
      <div className="mt-2 pl-6">
        <GroupCheckboxes name="allowed_groups" legend={t("allowedGroups")} groups={groups} selected={selected} errors={errors?.allowed_groups} disabled={readOnly || chosen === "everyone"} />
      </div>
    </fieldset>
  );
}
