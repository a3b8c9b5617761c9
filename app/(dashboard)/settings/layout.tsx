import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ClientMessages } from "@/i18n/client-messages";
import { SettingsNav } from "@/components/idp/settings-nav";
import { SignInReadOnlyNote } from "@/components/idp/sign-in-read-only-note";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/policy";
import { settingsTabs } from "@/lib/auth/navigation";
import { sessionActor } from "@/lib/sign-in/session-actor";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  const t = await getTranslations("settings");
  // The settings pages' own message namespaces, added to the shell's (i18n/client-namespaces.ts).
  return (
    <ClientMessages area="settings">
      <div className="max-w-4xl">
        <PageHeader title={t("title")} description={t("description")} />
        {settingsTabs(actor).length > 0 ? (
          <>
            <SettingsNav tabs={settingsTabs(actor)} />
            {can(actor, "settings:read") && !can(actor, "settings:sign_in") && <SignInReadOnlyNote />}
            {children}
          </>
        ) : (
          <EmptyState title={t("forAdmins")}>{t("forAdminsBody")}</EmptyState>
        )}
      </div>
    </ClientMessages>
  );
}
