import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ClientMessages } from "@/i18n/client-messages";
import { AvatarMenu } from "@/components/shell/avatar-menu";
import { MobileNav } from "@/components/shell/mobile-nav";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { hiddenNavigation } from "@/lib/auth/navigation";
import { pageActor } from "@/lib/sign-in/session-actor";
import { isSetupRequired } from "@/lib/instance/account";
import { instanceBranding } from "@/lib/instance/branding";
import { ownIdentity } from "@/lib/users/queries";
import { RecoveryCodeNotice } from "./recovery-code-notice";
import { TwoFactorDueNotice } from "./two-factor-due-notice";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // Convenience redirects only: every service checks the actor itself.
  if (await isSetupRequired()) redirect("/setup");
  const actor = await pageActor();
  const me = await ownIdentity(actor);
  const hidden = hiddenNavigation(actor);
  const t = await getTranslations("nav");
  const { name: instanceName } = await instanceBranding();
  return (
    <ClientMessages area="dashboard">
      <div className="flex min-h-screen bg-slate-50">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-white px-4 py-2 text-sm font-semibold text-indigo-700 shadow focus:not-sr-only focus:fixed focus:left-4 focus:top-4"
        >
          {t("skipToContent")}
        </a>
        <aside className="hidden w-60 shrink-0 flex-col bg-nav px-3 py-6 md:flex">
          <Link href="/team/users" className="mb-8 break-words px-3 text-lg font-bold text-nav-fg">
            {instanceName}
          </Link>
          <SidebarNav hidden={hidden} />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-16 items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 sm:px-6">
            <div className="flex min-w-0 items-center gap-2 md:hidden">
              <MobileNav hidden={hidden} instanceName={instanceName} />
              <Link href="/team/users" className="truncate text-lg font-bold text-slate-900">
                {instanceName}
              </Link>
            </div>
            <div className="ml-auto min-w-0">
              <AvatarMenu name={me.name} email={me.email ?? ""} canChangePassword={me.hasLocalPassword} />
            </div>
          </header>
          <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
            <RecoveryCodeNotice actor={actor} />
            <TwoFactorDueNotice actor={actor} />
            {children}
          </main>
        </div>
      </div>
    </ClientMessages>
  );
}
