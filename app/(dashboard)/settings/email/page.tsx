import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { DeliveriesTable } from "@/components/mail/deliveries-table";
import { MailSettingsForm } from "@/components/mail/mail-settings-form";
import { TestEmailForm } from "@/components/mail/test-email-form";
import { Alert } from "@/components/ui/alert";
import { can } from "@/lib/auth/policy";
import { storedHttpsLeavesCookiesPlain } from "@/lib/http/request-meta";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { listDeliveries } from "@/lib/mail/deliveries";
import { proofKindOf } from "@/lib/mfa/proof";
import { getMailSettings } from "@/lib/mail/settings";
import { getUser } from "@/lib/users/queries";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";
import { Card, CardHeading } from "@/components/ui/card";

export const generateMetadata = titled("email");

export default async function EmailSettingsPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "settings:read")) return null;
  const [s, deliveries, me] = await Promise.all([getMailSettings(actor), listDeliveries(actor), getUser(actor, actor.userId)]);
  const owner = can(actor, "settings:email");
  const t = await getTranslations("emailPage");
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">{t("intro")}</p>
      <Alert tone={s.enabled ? "success" : "info"}>{s.enabled ? t("mailOn") : t("mailOff")}</Alert>
      {storedHttpsLeavesCookiesPlain(s.publicUrl, await headers()) && <Alert tone="error">{t("cookiesNotSecure")}</Alert>}
      <MailSettingsForm
        readOnly={!owner}
        proof={owner ? await proofKindOf(me.id, me.hasLocalPassword) : undefined}
        initial={{
          source: s.source,
          host: s.host ?? "",
          port: s.port,
          security: s.security,
          username: s.username ?? "",
          hasUsername: s.hasUsername,
          hasPassword: s.hasPassword,
          fromName: s.fromName ?? "",
          fromAddress: s.fromAddress ?? "",
          publicUrl: s.publicUrl ?? "",
          publicUrlFromEnvironment: s.publicUrlFromEnvironment,
          notices: s.notices,
        }}
      />
      {owner && <TestEmailForm defaultTo={me.email ?? ""} />}
      <Card labelledBy="deliveries-heading">
        <CardHeading id="deliveries-heading">{t("deliveries")}</CardHeading>
        <p className="mt-1 text-sm text-slate-600">{t("deliveriesBody")}</p>
        <DeliveriesTable deliveries={deliveries} canRetry={can(actor, "users:update")} />
      </Card>
    </div>
  );
}
