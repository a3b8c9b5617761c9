import Link from "next/link";
import { redirect } from "next/navigation";
import { AvatarMenu } from "@/components/shell/avatar-menu";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { pageActor } from "@/lib/auth/session-actor";
import { isSetupRequired } from "@/lib/setup/instance";
import { getUser } from "@/lib/users/queries";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // Convenience redirects only: every service checks the actor itself.
  if (isSetupRequired()) redirect("/setup");
  const actor = await pageActor();
  const me = getUser(actor, actor.userId);
  return (
    <div className="flex min-h-screen bg-slate-50">
      <aside className="hidden w-60 shrink-0 flex-col bg-slate-900 px-3 py-6 md:flex">
        <Link href="/team/users" className="mb-8 px-3 text-lg font-bold text-white">
          Latchkey
        </Link>
        <SidebarNav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-16 items-center justify-between border-b border-slate-200 bg-white px-6">
          <Link href="/team/users" className="text-lg font-bold text-slate-900 md:hidden">
            Latchkey
          </Link>
          <div className="ml-auto">
            <AvatarMenu name={me.name} email={me.email ?? ""} canChangePassword={me.hasLocalPassword} />
          </div>
        </header>
        <main className="flex-1 px-6 py-8">{children}</main>
      </div>
    </div>
  );
}
