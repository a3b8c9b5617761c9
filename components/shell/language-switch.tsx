"use client";

import { useId } from "react";
import { useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES, type Locale } from "@/i18n/locales";
import { useLanguage } from "./use-language";

/**
 * A small language choice for pages without the avatar menu (sign-in, setup,
 * invite): a labelled select that switches as soon as a language is picked.
 */
export function LanguageSwitch() {
  const t = useTranslations("avatar");
  const { locale, setLanguage, pending } = useLanguage();
  const id = useId();
  return (
    <div className="flex items-center justify-center gap-2 text-sm text-slate-600">
      <label htmlFor={id}>{t("language")}</label>
      <select
        id={id}
        value={locale}
        disabled={pending}
        onChange={(e) => setLanguage(e.currentTarget.value as Locale)}
        className="rounded-md border-0 bg-white py-1 pl-2 pr-8 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {LOCALES.map((value) => (
          <option key={value} value={value} lang={value}>
            {LOCALE_NAMES[value]}
          </option>
        ))}
      </select>
    </div>
  );
}
