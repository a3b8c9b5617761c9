/**
 * next-intl's per-request configuration: the locale is the person's choice
 * (the cookie), else the browser's Accept-Language, else English; the
 * messages are that locale's catalog in messages/.
 */
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { _createCache } from "use-intl/core";
import { LOCALE_COOKIE, parseLocale } from "./locales";
import { localeFromAcceptLanguage } from "./negotiate";

/**
 * One formatter cache for the process. next-intl otherwise makes one per
 * request, so every request parsed again each ICU message it formats with
 * values. It holds parsed messages keyed by message text, locale and formats
 * (not by the values), so it is bounded by the catalogs; use-intl's
 * translators take it as `_cache` and next-intl passes the config's other
 * fields through to them (docs/benchmarks.md, round 10).
 */
const sharedCache = _createCache();

export default getRequestConfig(async () => {
  const chosen = parseLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  const locale = chosen ?? localeFromAcceptLanguage((await headers()).get("accept-language"));
  const config = {
    locale,
    messages: (await import(`../messages/${locale}.json`)).default,
    // Times are shown in the viewer's zone by <RelativeTime>; what the server formats is UTC, labelled.
    timeZone: "UTC",
  };
  return Object.assign(config, { _cache: sharedCache });
});
