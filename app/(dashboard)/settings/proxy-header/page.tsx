import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { TrustedHeaderForm } from "@/components/idp/trusted-header-form";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { getSignInSettings } from "@/lib/idp/sign-in-settings";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("proxyHeader");

export default async function ProxyHeaderPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "settings:read")) return null;
  const s = await getSignInSettings(actor);
  const peer = (await headers()).get(PEER_HEADER);
  const t = await getTranslations("proxyPage");
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">{t("intro")}</p>
      <TrustedHeaderForm
        readOnly={!can(actor, "settings:sign_in")}
        yourAddress={peer ? peer.replace(/^::ffff:/, "") : null}
        initial={{
          enabled: s.headerEnabled,
          trustedRanges: s.headerTrustedRanges,
          userHeader: s.headerUser,
          emailHeader: s.headerEmail ?? "",
          nameHeader: s.headerName ?? "",
          autoCreate: s.headerAutoCreate,
          defaultRole: s.headerDefaultRole,
        }}
      />
    </div>
  );
}
