"use client";
/**
 * The settings tabs: one row of links. When they don't fit (a phone, longer
 * German names) the row scrolls sideways inside its own box instead of
 * wrapping onto several rows, as GitHub's and Vercel's tab bars do: the
 * active tab is scrolled into view, and a fade with a chevron on the side
 * that has more tabs shows there is more. Keyboard: every tab is a link in
 * the Tab order, and a focused tab scrolls into view clear of the fade.
 */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
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

type Overflow = { before: boolean; after: boolean };

/**
 * The sign that there are more tabs on that side, and a pointer's shortcut to them. Not a
 * button: keyboards and screen readers reach every tab as a link, so it stays out of their way.
 */
function MoreTabs({ side, onClick }: { side: "before" | "after"; onClick: () => void }) {
  const after = side === "after";
  return (
    <div
      aria-hidden="true"
      data-more-tabs={side}
      onClick={onClick}
      className={`absolute top-0 bottom-px cursor-pointer ${after ? "right-0 justify-end bg-linear-to-l" : "left-0 justify-start bg-linear-to-r"} flex w-12 items-center from-slate-50 from-40% to-transparent px-1 text-slate-500 hover:text-slate-900`}
    >
      <svg viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4">
        <path
          fillRule="evenodd"
          clipRule="evenodd"
          d={after ? "M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0Z" : "M12.8 5.2a.75.75 0 0 1 0 1.06L9.06 10l3.74 3.74a.75.75 0 1 1-1.06 1.06L7.47 10.53a.75.75 0 0 1 0-1.06l4.27-4.27a.75.75 0 0 1 1.06 0Z"}
        />
      </svg>
    </div>
  );
}

/** `tabs`: the settings tabs the viewer may use (lib/auth/navigation.ts); a tab with no message yet shows its English label. */
export function SettingsNav({ tabs }: { tabs: SettingsTab[] }) {
  const pathname = usePathname();
  const tr = useTranslations("settings");
  const row = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState<Overflow>({ before: false, after: false });

  const measure = useCallback(() => {
    const el = row.current;
    if (!el) return;
    const end = el.scrollWidth - el.clientWidth;
    const next = { before: el.scrollLeft > 1, after: el.scrollLeft < end - 1 };
    setOverflow((prev) => (prev.before === next.before && prev.after === next.after ? prev : next));
  }, []);

  // The active tab in view, centred when the row scrolls: on arrival and on every change of tab.
  const centreActive = useCallback((onlyIfHidden: boolean) => {
    const el = row.current;
    const active = el?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!el || !active || el.scrollWidth <= el.clientWidth) return;
    const hidden = active.offsetLeft < el.scrollLeft || active.offsetLeft + active.offsetWidth > el.scrollLeft + el.clientWidth;
    if (!onlyIfHidden || hidden) el.scrollLeft = active.offsetLeft - (el.clientWidth - active.offsetWidth) / 2;
  }, []);

  useLayoutEffect(() => {
    centreActive(false);
    measure();
  }, [pathname, centreActive, measure]);

  // A turned phone or a larger text size changes what fits, and may push the active tab out of the row (review 34:
  // a window narrowed from a laptop's width to a phone's left "Rollen" beyond the right edge); one the person
  // scrolled away from while it stays in view is left where it is.
  useEffect(() => {
    const el = row.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      centreActive(true);
      measure();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [centreActive, measure]);

  const page = (direction: 1 | -1) => {
    const el = row.current;
    if (el) el.scrollBy({ left: direction * el.clientWidth * 0.7, behavior: "smooth" });
  };

  return (
    <nav aria-label={tr("tabsLabel")} className="relative mb-6">
      <div
        ref={row}
        onScroll={measure}
        // The baseline is an inset shadow, under the active tab's underline (a border would be clipped by the scrolling box);
        // scroll-px: a tab reached with Tab stops clear of the fade.
        className="relative flex scroll-px-12 gap-1 overflow-x-auto shadow-[inset_0_-1px_0_var(--color-slate-200)] [scrollbar-width:none] [&::-webkit-scrollbar]:hidden"
      >
        {tabs.map((t) => {
          const active = pathname === t.href || pathname.startsWith(`${t.href}/`);
          const key = TAB_KEYS[t.href];
          return (
            <Link
              key={t.href}
              href={t.href}
              aria-current={active ? "page" : undefined}
              className={`shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 ${active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
            >
              {key ? tr(`tabs.${key}`) : t.label}
            </Link>
          );
        })}
      </div>
      {overflow.before && <MoreTabs side="before" onClick={() => page(-1)} />}
      {overflow.after && <MoreTabs side="after" onClick={() => page(1)} />}
    </nav>
  );
}
