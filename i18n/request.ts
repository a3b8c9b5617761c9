/**
 * next-intl's per-request configuration: the locale is the person's choice
 * (the cookie), else the browser's Accept-Language, else English; the
 * messages are that locale's catalog in messages/.
 */
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, parseLocale } from "./locales";
import { localeFromAcceptLanguage } from "./negotiate";

export default getRequestConfig(async () => {
  const chosen = parseLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  const locale = chosen ?? localeFromAcceptLanguage((await headers()).get("accept-language"));
  return {
    locale,
    messages: (await import(`../messages/${locale}.json`)).default,
    // Times are shown in the viewer's zone by <RelativeTime>; what the server formats is UTC, labelled.
    timeZone: "UTC",
  };
});
