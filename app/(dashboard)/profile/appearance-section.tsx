"use client";

import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES, type Locale } from "@/i18n/locales";
import { THEMES, type Theme } from "@/lib/appearance/theme";
import { useLanguage } from "@/components/shell/use-language";
import { useTheme } from "@/components/shell/use-theme";
import { Card, CardHeading } from "@/components/ui/card";

/**
 * Profile → Appearance: the theme and the language, per person on this
 * browser. Both are kept where the avatar menu keeps them (cookies read by
 * the root layout, so the server renders the first paint right, on the
 * sign-in page too) and apply as soon as they are picked: there is nothing to
 * save and nothing the server holds.
 */
export function AppearanceSection({ theme: renderedTheme, languageChosen }: { theme: Theme; languageChosen: boolean }) {
  const t = useTranslations("appearance");
  const themes = useTranslations("avatar.themes");
  const [theme, setTheme] = useTheme(renderedTheme);
  const { locale, chosen, setLanguage, pending } = useLanguage(languageChosen);
  const id = useId();
  // "Automatic" stays picked after it is chosen, though the page then speaks one language.
  const [auto, setAuto] = useState(!chosen);
  const language: Locale | "auto" = auto ? "auto" : locale;
  return (
    <Card labelledBy={`${id}-heading`}>
      <CardHeading id={`${id}-heading`}>{t("title")}</CardHeading>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">{t("description")}</p>
      <div className="mt-4 grid gap-6 sm:grid-cols-2">
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">{t("theme")}</legend>
          <div className="mt-2 space-y-2">
            {THEMES.map((value: Theme) => (
              <label key={value} className="flex items-center gap-2 text-sm text-slate-700">
                <input type="radio" name={`${id}-theme`} value={value} checked={theme === value} onChange={() => setTheme(value)} className="h-4 w-4 text-indigo-600" />
                {value === "system" ? t("themeSystem") : themes(value)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset disabled={pending}>
          <legend className="text-sm font-medium text-slate-900">{t("language")}</legend>
          <div className="mt-2 space-y-2">
            {(["auto", ...LOCALES] as const).map((value) => (
              <label key={value} className="flex items-center gap-2 text-sm text-slate-700" lang={value === "auto" ? undefined : value}>
                <input type="radio" name={`${id}-language`} value={value} checked={language === value} onChange={() => {
                    setAuto(value === "auto");
                    setLanguage(value);
                  }} className="h-4 w-4 text-indigo-600" />
                {value === "auto" ? t("languageAuto") : LOCALE_NAMES[value]}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
    </Card>
  );
}
