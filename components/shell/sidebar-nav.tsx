"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

const sections = [
  {
    heading: "team",
    links: [
      { href: "/team/users", label: "users" },
      { href: "/team/service-users", label: "serviceUsers" },
      { href: "/team/groups", label: "groups" },
    ],
  },
  { heading: null, links: [{ href: "/activity", label: "activity" }] },
  { heading: null, links: [{ href: "/settings", label: "settings" }] },
] as const;

/**
 * `onNavigate` lets the mobile drawer close when a link is followed, also to the page already shown.
 * `hidden`: the links the viewer's permissions don't let them use (decided on the server, lib/auth/policy).
 */
export function SidebarNav({ onNavigate, hidden = [] }: { onNavigate?: () => void; hidden?: string[] }) {
  const pathname = usePathname();
  const t = useTranslations("nav");
  const shown = sections
    .map((section) => ({ ...section, links: section.links.filter((l) => !hidden.includes(l.href)) }))
    .filter((section) => section.links.length > 0);
  return (
    <nav aria-label={t("main")} className="space-y-6">
      {shown.map((section, i) => (
        <div key={section.heading ?? i}>
          {section.heading && (
            <p className="px-3 text-xs font-semibold uppercase tracking-wider text-nav-heading">{t(section.heading)}</p>
          )}
          <ul className="mt-2 space-y-1">
            {section.links.map((link) => {
              const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
              return (
                <li key={link.href}>
                  <Link
                    href={link.href}
                    aria-current={active ? "page" : undefined}
                    onClick={onNavigate}
                    className={`block rounded-md px-3 py-2 text-sm font-medium ${
                      active ? "bg-nav-active text-nav-fg" : "text-nav-muted hover:bg-nav-active hover:text-nav-fg"
                    }`}
                  >
                    {t(link.label)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
