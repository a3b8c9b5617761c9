"use client";

import { useTranslations } from "next-intl";
import { Checkbox } from "@/components/ui/checkbox";

/**
 * The confirmation that new people may get a privileged role (lib/idp/privileged-signup.ts). The server
 * decides when it is needed: its refusal, shown under the box, is the warning that names the role; the
 * box stays while the person's answer is on the form. `label` says which source lets people in (a provider's by default).
 */
export function PrivilegedSignupConfirm({ errors, submitted, disabled, label }: { errors?: string[]; submitted?: string; disabled?: boolean; label?: string }) {
  const t = useTranslations("providersPage");
  if (!errors?.length && submitted !== "on") return null;
  return (
    <div className="rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
      <Checkbox name="accept_privileged_signup" label={label ?? t("acceptPrivilegedSignup")} defaultChecked={submitted === "on"} errors={errors} disabled={disabled} />
    </div>
  );
}
