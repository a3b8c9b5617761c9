"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES } from "@/i18n/locales";
import { signOutAction } from "@/app/(dashboard)/actions";
import { ChangePasswordDialog } from "./change-password-dialog";
import type { Theme } from "@/lib/appearance/theme";
import { useTheme } from "./use-theme";
import { useLanguage } from "./use-language";

function initials(label: string): string {
  const parts = label.split(/[\s@.]+/).filter(Boolean);
  return (parts[0]?.[0] ?? "?").toUpperCase() + (parts[1]?.[0] ?? "").toUpperCase();
}

const THEMES: Theme[] = ["light", "dark", "system"];

// The keyboard's item gets an outline as well as the hover's background: the background alone (slate-100 on
// white) was all but invisible (review 20).
const itemClass =
  "block w-full px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none focus-visible:outline-solid focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600";

/**
 * The signed-in person's menu: who they are, Profile (their tokens), Change
 * Password (local users only), the theme, Sign out. A WAI-ARIA menu button:
 * arrow keys, Home and End move between items, Escape closes and returns focus
 * to the button, Tab closes.
 */
export function AvatarMenu({ name, email, canChangePassword }: { name: string; email: string; canChangePassword: boolean }) {
  const [open, setOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const [theme, setTheme] = useTheme();
  const { locale, setLanguage } = useLanguage();
  const t = useTranslations("avatar");
  const rootRef = useRef<HTMLDivElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const signOutFormId = useId();
  const label = name || email;

  const items = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const onPointer = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onPointer);
    return () => document.removeEventListener("mousedown", onPointer);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onMenuKeyDown = (e: React.KeyboardEvent) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => all[(i + all.length) % all.length]?.focus();
    if (e.key === "ArrowDown") move(at + 1);
    else if (e.key === "ArrowUp") move(at - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(all.length - 1);
    else if (e.key === "Escape") close(true);
    else if (e.key === "Tab") return close(false);
    else return;
    e.preventDefault();
  };

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((v) => !v)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className="flex max-w-[60vw] items-center gap-2 rounded-full p-1 pr-3 text-sm font-medium text-slate-700 hover:bg-slate-100"
      >
        <span aria-hidden className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-xs font-bold text-white">
          {initials(label)}
        </span>
        <span className="truncate">{label}</span>
      </button>
      <form id={signOutFormId} action={signOutAction} hidden />
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          onKeyDown={onMenuKeyDown}
          className="absolute right-0 z-40 mt-2 w-64 rounded-md bg-white py-2 shadow-lg ring-1 ring-slate-200"
        >
          <div role="none" className="border-b border-slate-100 px-4 pb-2">
            <p className="truncate text-sm font-semibold text-slate-900">{name || "—"}</p>
            <p className="truncate text-sm text-slate-600">{email}</p>
          </div>
          <div role="none" className="pt-1">
            <Link href="/profile" role="menuitem" tabIndex={-1} className={itemClass} onClick={() => setOpen(false)}>
              {t("profile")}
            </Link>
            {canChangePassword && (
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={itemClass}
                onClick={() => {
                  setOpen(false);
                  setChangingPassword(true);
                }}
              >
                {t("changePassword")}
              </button>
            )}
          </div>
          <div role="group" aria-labelledby={`${menuId}-theme`} className="mt-1 border-t border-slate-100 pt-1">
            <p id={`${menuId}-theme`} role="none" className="px-4 py-1 text-xs font-semibold uppercase tracking-wide text-slate-600">
              {t("theme")}
            </p>
            {THEMES.map((value) => (
              <button
                key={value}
                type="button"
                role="menuitemradio"
                aria-checked={theme === value}
                tabIndex={-1}
                className={`${itemClass} flex items-center justify-between`}
                onClick={() => setTheme(value)}
              >
                {t(`themes.${value}`)}
                {theme === value && <span aria-hidden>✓</span>}
              </button>
            ))}
          </div>
          <div role="group" aria-labelledby={`${menuId}-language`} className="mt-1 border-t border-slate-100 pt-1">
            <p id={`${menuId}-language`} role="none" className="px-4 py-1 text-xs font-semibold uppercase tracking-wide text-slate-600">
              {t("language")}
            </p>
            {LOCALES.map((value) => (
              <button
                key={value}
                type="button"
                role="menuitemradio"
                aria-checked={locale === value}
                lang={value}
                tabIndex={-1}
                className={`${itemClass} flex items-center justify-between`}
                onClick={() => setLanguage(value)}
              >
                {LOCALE_NAMES[value]}
                {locale === value && <span aria-hidden>✓</span>}
              </button>
            ))}
          </div>
          <div role="none" className="mt-1 border-t border-slate-100 pt-1">
            <button type="submit" form={signOutFormId} role="menuitem" tabIndex={-1} className={itemClass}>
              {t("signOut")}
            </button>
          </div>
        </div>
      )}
      {canChangePassword && <ChangePasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />}
    </div>
  );
}
