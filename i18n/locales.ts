/**
 * The languages the dashboard speaks, and where a person's choice is kept: a
 * cookie beside the theme's (lib/appearance/theme.ts), so the sign-in and
 * setup pages, which have no person yet, speak it too, and the server renders
 * the first paint in it. No locale in URLs: a link is the same for everyone.
 */
export const LOCALES = ["en", "de"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALE_COOKIE = "locale";

/** Each language by its own name (a German reader looks for "Deutsch", not "German"). */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch" };

export function parseLocale(value: string | undefined): Locale | undefined {
  return LOCALES.find((l) => l === value);
}
