import Negotiator from "negotiator";
import { DEFAULT_LOCALE, LOCALES, parseLocale, type Locale } from "./locales";

/** The best of our locales for a browser's Accept-Language ("de-DE,de;q=0.9" → de), else English. */
export function localeFromAcceptLanguage(acceptLanguage: string | null): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const [best] = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages([...LOCALES]);
  return parseLocale(best) ?? DEFAULT_LOCALE;
}
