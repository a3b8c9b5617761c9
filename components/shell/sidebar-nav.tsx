"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const sections = [
  {
    heading: "Team",
    links: [
      { href: "/team/users", label: "Users" },
      { href: "/team/service-users", label: "Service Users" },
      { href: "/team/groups", label: "Groups" },
    ],
  },
  { heading: null, links: [{ href: "/activity", label: "Activity" }] },
  { heading: null, links: [{ href: "/settings", label: "Settings" }] },
];

/**
 * `onNavigate` lets the mobile drawer close when a link is followed, also to the page already shown.
 * `hidden`: the links the viewer's permissions don't let them use (decided on the server, lib/auth/policy).
 */
export function SidebarNav({ onNavigate, hidden = [] }: { onNavigate?: () => void; hidden?: string[] }) {
  const pathname = usePathname();
  const shown = sections
    .map((section) => ({ ...section, links: section.links.filter((l) => !hidden.includes(l.href)) }))
    .filter((section) => section.links.length > 0);
  return (
    <nav aria-label="Main" className="space-y-6">
      {shown.map((section, i) => (
        <div key={section.heading ?? i}>
          {section.heading && (
            <p className="px-3 text-xs font-semibold uppercase tracking-wider text-nav-heading">{section.heading}</p>
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
                    {link.label}
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
