import { redirect } from "next/navigation";
import { SecurityPolicyForm } from "@/components/mfa/security-policy-form";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { groupNamesFor } from "@/lib/groups/queries";
import { securityPolicy } from "@/lib/mfa/policy";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("security");

export default async function SecuritySettingsPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "settings:read")) return null;
  const policy = await securityPolicy(actor);
  const t = await getTranslations("securityPage");
  const groups = [...(await groupNamesFor(actor))].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">{t("intro")}</p>
      <SecurityPolicyForm
        readOnly={!can(actor, "settings:security")}
        groups={groups}
        initial={{ requireFor: policy.requireFor, groupIds: policy.groupIds, graceDays: policy.graceDays }}
      />
    </div>
  );
}
