/**
 * The server's messages ("serverMessages" in the catalog: every refusal,
 * limit and notice a service can name, 23 KB in each language) for browser
 * code. They were part of every dashboard and public page's payload for the
 * forms that might show one; now the browser loads the catalog of its
 * language as a script chunk, which it caches, the first time a form is
 * submitted or a password measured (docs/benchmarks.md, "Round 11: Users
 * first page"). The server renders with the same chunk, so a state rendered
 * there (a form posted without JavaScript) reads the same.
 *
 * A form state holding message keys that arrives before the chunk suspends
 * its render; the state arrives in a transition (useActionState), so React
 * keeps the form shown meanwhile, as it does while the action runs.
 */
import { use } from "react";
import { createTranslator, type useTranslations } from "next-intl";
import { DEFAULT_LOCALE, parseLocale, type Locale } from "@/i18n/locales";
import type { FormState } from "@/lib/forms/form-state";

export type ServerTranslator = ReturnType<typeof useTranslations<"serverMessages">>;

// One loader per language, each a chunk of its own: a German reader never loads the English catalog.
const CATALOGS: Record<Locale, () => Promise<Record<string, string>>> = {
  en: () => import("@/messages/en.json").then((m) => m.default.serverMessages),
  de: () => import("@/messages/de.json").then((m) => m.default.serverMessages),
};

const loading = new Map<Locale, Promise<ServerTranslator>>();
const ready = new Map<Locale, ServerTranslator>();
// What a render waits on: never rejects (a failed load says the texts as the server wrote them, see inLanguage).
const forRender = new Map<Promise<ServerTranslator>, Promise<ServerTranslator>>();

/** The server messages' translator for a language, loading its catalog once (a failed load is tried again next time). */
export function loadServerMessages(locale: string): Promise<ServerTranslator> {
  const language = parseLocale(locale) ?? DEFAULT_LOCALE;
  let promise = loading.get(language);
  if (!promise) {
    promise = CATALOGS[language]().then((serverMessages) => {
      const translator = createTranslator({ locale: language, messages: { serverMessages }, namespace: "serverMessages" }) as unknown as ServerTranslator;
      ready.set(language, translator);
      return translator;
    });
    promise.catch(() => loading.delete(language));
    loading.set(language, promise);
  }
  return promise;
}

/** The state names texts by catalog key (lib/forms/message-keys.ts): saying it needs the catalog. */
export function needsServerMessages(state: FormState): boolean {
  return !!state.messageKeys && Object.keys(state.messageKeys).length > 0;
}

/** Stands in while a state names no catalog key, or when the catalog could not load: inLanguage then shows the server's own words. */
export const NO_SERVER_MESSAGES = ((key: string) => key) as unknown as ServerTranslator;

/**
 * During a render only: the translator, suspending the render until the catalog has loaded. A load that
 * fails gives NO_SERVER_MESSAGES (the texts in English, as the API says them), not the section's error page.
 */
export function serverMessagesNow(locale: string): ServerTranslator {
  const known = ready.get(parseLocale(locale) ?? DEFAULT_LOCALE);
  if (known) return known;
  const load = loadServerMessages(locale);
  let settled = forRender.get(load);
  if (!settled) forRender.set(load, (settled = load.catch(() => NO_SERVER_MESSAGES)));
  return use(settled);
}
