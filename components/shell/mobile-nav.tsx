"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { keepTabInside } from "@/components/ui/focus";
import { useModalDialog } from "@/components/ui/use-modal-dialog";
import { SidebarNav } from "./sidebar-nav";

/**
 * The navigation on small screens: a menu button that opens the sidebar as a
 * drawer. The drawer is a modal <dialog>: the rest of the page is inert and
 * Escape closes it. Tab and Shift+Tab wrap around inside it (keepTabInside, as
 * every Dialog). It closes when a link is
 * followed.
 */
export function MobileNav({ hidden = [], instanceName }: { hidden?: string[]; instanceName: string }) {
  const [open, setOpen] = useState(false);
  const ref = useModalDialog(open);
  const pathname = usePathname();
  const t = useTranslations("nav");

  // Following a link to another page closes the drawer.
  useEffect(() => setOpen(false), [pathname]);

  return (
    <>
      <button
        type="button"
        aria-label={t("openNavigation")}
        aria-expanded={open}
        onClick={() => setOpen(true)}
        className="-ml-2 rounded-md p-2 text-slate-700 hover:bg-slate-100 md:hidden"
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="2">
          <path strokeLinecap="round" d="M4 6h16M4 12h16M4 18h16" />
        </svg>
      </button>
      <dialog
        ref={ref}
        aria-label={t("navigation")}
        onClose={() => setOpen(false)}
        onKeyDown={keepTabInside}
        onClick={(e) => {
          // A click on the backdrop (the dialog box itself, outside the panel) closes it.
          if (e.target === e.currentTarget) setOpen(false);
        }}
        className="m-0 h-full max-h-none w-72 max-w-[85vw] bg-nav p-0 backdrop:bg-black/50 md:hidden"
      >
        {open && (
          <div className="flex h-full flex-col px-3 py-4">
            <div className="mb-6 flex items-center justify-between px-3">
              <Link href="/team/users" className="text-lg font-bold text-nav-fg" onClick={() => setOpen(false)}>
                {instanceName}
              </Link>
              <button
                type="button"
                aria-label={t("closeNavigation")}
                onClick={() => setOpen(false)}
                className="rounded-md p-2 text-nav-muted hover:bg-nav-active hover:text-nav-fg"
              >
                <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
                  <path strokeLinecap="round" d="M6 6l12 12M18 6L6 18" />
                </svg>
              </button>
            </div>
            <SidebarNav onNavigate={() => setOpen(false)} hidden={hidden} />
          </div>
        )}
      </dialog>
    </>
  );
}
