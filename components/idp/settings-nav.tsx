"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

const tabs = [
  { href: "/settings/identity-providers", label: "identityProviders" },
  { href: "/settings/ldap", label: "ldap" },
  { href: "/settings/proxy-header", label: "proxyHeader" },
  { href: "/settings/security", label: "security" },
  { href: "/settings/roles", label: "roles" },
  { href: "/settings/email", label: "email" },
] as const;

/** `tabs`: the hrefs the viewer may use (lib/auth/navigation.ts). */
export function SettingsNav({ tabs: visible }: { tabs: string[] }) {
  const pathname = usePathname();
  const tr = useTranslations("settings");
  return (
    <nav aria-label={tr("tabsLabel")} className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
      {tabs.filter((t) => visible.includes(t.href)).map((t) => {
        const active = pathname === t.href || pathname.startsWith(`${t.href}/`);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {tr(`tabs.${t.label}`)}
          </Link>
        );
      })}
    </nav>
  );
}
