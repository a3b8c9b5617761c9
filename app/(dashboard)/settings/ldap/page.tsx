import { redirect } from "next/navigation";
import { DirectorySyncStatus } from "@/components/idp/directory-sync-status";
import { LdapForm } from "@/components/idp/ldap-form";
import { config } from "@/lib/config";
import { can } from "@/lib/auth/policy";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { groupChoicesOf } from "@/lib/groups/queries";
import { getLdapSource } from "@/lib/idp/ldap/source";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("ldap");

export default async function LdapPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "identity_providers:read")) return null;
  const source = await getLdapSource(actor);
  const t = await getTranslations("ldapPage");
  const groups = await groupChoicesOf(actor.accountId);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">{t("intro")}</p>
      {source?.enabled && <DirectorySyncStatus intervalMinutes={config().ldapSyncIntervalMinutes} lastAt={source.lastSyncAt} last={source.lastSyncOutcome} />}
      <LdapForm
        readOnly={!can(actor, "settings:sign_in")}
        groups={groups}
        initial={{
          name: source?.name ?? "LDAP",
          enabled: source?.enabled ?? false,
          url: source?.url ?? "",
          startTls: source?.startTls ?? false,
          bindDn: source?.bindDn ?? "",
          bindPasswordSet: source?.bindPasswordSet ?? false,
          searchBase: source?.searchBase ?? "",
          userFilter: source?.userFilter ?? "(&(objectClass=inetOrgPerson)(uid={username}))",
          usernameAttribute: source?.usernameAttribute ?? "uid",
          emailAttribute: source?.emailAttribute ?? "mail",
          nameAttribute: source?.nameAttribute ?? "cn",
          groupSearchBase: source?.groupSearchBase ?? "",
          groupFilter: source?.groupFilter ?? "(&(objectClass=groupOfNames)(member={dn}))",
          groupNameAttribute: source?.groupNameAttribute ?? "cn",
          groupMapping: source?.groupMapping ?? [],
          autoCreate: source?.autoCreate ?? true,
          defaultRole: source?.defaultRole ?? "user",
          allowUnencrypted: source?.allowUnencrypted ?? false,
          allowInternalAddresses: source?.allowInternalAddresses ?? false,
          tlsCaCertificate: source?.tlsCaCertificate ?? "",
        }}
      />
    </div>
  );
}
