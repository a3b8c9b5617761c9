import crypto from "node:crypto";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ProviderForm } from "@/components/idp/provider-form";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { groupChoicesOf } from "@/lib/groups/queries";
import { publicOrigin } from "@/lib/idp/api-shape";
import { redirectUrl } from "@/lib/idp/callback-url";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("addProvider");

export default async function NewProviderPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "settings:sign_in")) redirect("/settings/identity-providers");
  // The id is chosen now so the redirect URL can be registered at the provider before saving.
  const id = crypto.randomUUID();
  const t = await getTranslations("providersPage");
  const groups = await groupChoicesOf(actor.accountId);
  return (
    <div className="space-y-4">
      <Link href="/settings/identity-providers" className="py-1.5 text-sm font-medium text-indigo-600 hover:text-indigo-500">
        {t("backToList")}
      </Link>
      <h2 className="text-xl font-semibold text-slate-900">{t("addProvider")}</h2>
      <ProviderForm
        providerId={id}
        isNew
        readOnly={false}
        redirectUrl={redirectUrl(publicOrigin(await headers()), id)}
        groups={groups}
        initial={{
          type: "google",
          name: "",
          issuer: "",
          clientId: "",
          scopes: "openid email profile",
          enabled: true,
          // Only people an admin created or invited, until the owner opens it up.
          signupPolicy: "existing",
          allowedDomains: [],
          defaultRole: "user",
          autoGroups: [],
          allowLinking: true,
          allowInternalAddresses: false,
          requireApproval: false,
        }}
      />
    </div>
  );
}
