import { redirect } from "next/navigation";
import { DeliveriesTable } from "@/components/mail/deliveries-table";
import { MailSettingsForm } from "@/components/mail/mail-settings-form";
import { TestEmailForm } from "@/components/mail/test-email-form";
import { Alert } from "@/components/ui/alert";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { listDeliveries } from "@/lib/mail/deliveries";
import { getMailSettings } from "@/lib/mail/settings";
import { getUser } from "@/lib/users/queries";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("email");

export default async function EmailSettingsPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "settings:read")) return null;
  const [s, deliveries, me] = await Promise.all([getMailSettings(actor), listDeliveries(actor), getUser(actor, actor.userId)]);
  const owner = can(actor, "settings:email");
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        With a mail server, invites, password resets and email changes go to people by email. Without one, everything works as before: links are shown once to copy.
      </p>
      <Alert tone={s.enabled ? "success" : "info"}>{s.enabled ? "Mail is on." : "Mail is off: set the public URL, a mail server and a sender to turn it on."}</Alert>
      <MailSettingsForm
        readOnly={!owner}
        initial={{
          source: s.source,
          host: s.host ?? "",
          port: s.port,
          security: s.security,
          username: s.username ?? "",
          hasPassword: s.hasPassword,
          fromName: s.fromName ?? "",
          fromAddress: s.fromAddress ?? "",
          publicUrl: s.publicUrl ?? "",
          publicUrlFromEnvironment: s.publicUrlFromEnvironment,
          notices: s.notices,
        }}
      />
      {owner && <TestEmailForm defaultTo={me.email ?? ""} />}
      <section aria-labelledby="deliveries-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="deliveries-heading" className="text-base font-semibold text-slate-900">Recent deliveries</h2>
        <p className="mt-1 text-sm text-slate-600">Messages are retried with growing waits for about 24 hours while the server can't be reached.</p>
        <DeliveriesTable deliveries={deliveries} canRetry={can(actor, "users:update")} />
      </section>
    </div>
  );
}
