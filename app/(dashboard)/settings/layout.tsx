import { redirect } from "next/navigation";
import { SettingsNav } from "@/components/idp/settings-nav";
import { SignInReadOnlyNote } from "@/components/idp/sign-in-read-only-note";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/policy";
import { settingsTabs } from "@/lib/auth/navigation";
import { sessionActor } from "@/lib/auth/session-actor";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  return (
    <div className="max-w-4xl">
      <PageHeader title="Settings" description="How people sign in to this account, and who may do what." />
      {settingsTabs(actor).length > 0 ? (
        <>
          <SettingsNav tabs={settingsTabs(actor)} />
          {can(actor, "settings:read") && !can(actor, "settings:sign_in") && <SignInReadOnlyNote />}
          {children}
        </>
      ) : (
        <EmptyState title="Settings are for admins">The owner configures how people sign in; admins and auditors can see it.</EmptyState>
      )}
    </div>
  );
}
