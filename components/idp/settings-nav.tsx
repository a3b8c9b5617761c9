"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import type { SettingsTab } from "@/lib/auth/navigation";
import type messages from "@/messages/en.json";

type TabKey = keyof (typeof messages)["settings"]["tabs"];

/** Each tab's name in the "settings.tabs" messages, by its page ("/settings/proxy-header" → proxyHeader). */
const TAB_KEYS: Record<string, TabKey> = {
  "/settings/identity-providers": "identityProviders",
  "/settings/ldap": "ldap",
  "/settings/proxy-header": "proxyHeader",
  "/settings/security": "security",
  "/settings/email": "email",
  "/settings/roles": "roles",
  "/settings/applications": "applications",
  "/settings/appearance": "appearance",
};

/** `tabs`: the settings tabs the viewer may use (lib/auth/navigation.ts); a tab with no message yet shows its English label. */
export function SettingsNav({ tabs }: { tabs: SettingsTab[] }) {
  const pathname = usePathname();
  const tr = useTranslations("settings");
  return (
    <nav aria-label={tr("tabsLabel")} className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
      {tabs.map((t) => {
        const active = pathname === t.href || pathname.startsWith(`${t.href}/`);
        const key = TAB_KEYS[t.href];
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {key ? tr(`tabs.${key}`) : t.label}
          </Link>
        );
      })}
    </nav>
  );
}
