import type { Metadata } from "next";
import { cookies } from "next/headers";
import { THEME_COOKIE, parseTheme, themeClass } from "@/lib/appearance/theme";
import { getLocale } from "next-intl/server";
import { ToastProvider } from "@/components/ui/toast";
import { ClientMessages } from "@/i18n/client-messages";
import { instanceBranding } from "@/lib/instance/branding";
import "./globals.css";

/** The tab title of a page that names none: the instance's name (Settings → Appearance). */
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await instanceBranding()).name, description: "Self-hosted team and identity dashboard" };
}

// Every page depends on the database and the session; nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  const locale = await getLocale();
  return (
    // The class changes in the browser when the person picks a theme; React needn't warn about it.
    <html lang={locale} className={themeClass(theme)} suppressHydrationWarning>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        {/* The toasts' texts; the dashboard's and the public pages' layouts send their own (i18n/client-namespaces.ts). */}
        <ClientMessages area="root">
          <ToastProvider>{children}</ToastProvider>
        </ClientMessages>
      </body>
    </html>
  );
}
