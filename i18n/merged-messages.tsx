"use client";
/**
 * The client side of i18n/client-messages.tsx: the area's messages arrive as
 * a JSON string, parsed once per distinct string (on the server once per
 * catalog and area, in the browser once per page load), so every render gets
 * the same object. A replacing area (root, the dashboard shell) is a provider
 * of its own; a section's provider lays its messages over those of the
 * provider it sits in (the dashboard shell's, or root's for a public page),
 * so the page's HTML carries each catalog once. A section's locale, time zone,
 * formats and error handler are the outer provider's.
 */
import { NextIntlClientProvider, useLocale, useMessages, type AbstractIntlMessages, type Locale } from "next-intl";
import { mergeMessages } from "./client-namespaces";

// Bounded by the areas times the locales; cleared if it ever grows past that (a changed catalog in development).
const parsed = new Map<string, AbstractIntlMessages>();
const merged = new WeakMap<AbstractIntlMessages, WeakMap<AbstractIntlMessages, AbstractIntlMessages>>();

/**
 * The messages of a JSON string, the same object for the same text: a provider handing out a new object on
 * each render (a refresh's new payload) gives every translator a new identity, and effects that depend on
 * one run again (components/auth/passkey-sign-in.tsx).
 */
export function parse(json: string): AbstractIntlMessages {
  let messages = parsed.get(json);
  if (!messages) {
    if (parsed.size >= 256) parsed.clear();
    parsed.set(json, (messages = JSON.parse(json) as AbstractIntlMessages));
  }
  return messages;
}

/** `inner` over `outer`, made once per pair (both are parse()'s shared objects). */
export function mergedOnce(outer: AbstractIntlMessages, inner: AbstractIntlMessages): AbstractIntlMessages {
  let byInner = merged.get(outer);
  if (!byInner) merged.set(outer, (byInner = new WeakMap()));
  let both = byInner.get(inner);
  if (!both) byInner.set(inner, (both = mergeMessages(outer, inner)));
  return both;
}

export function MessagesProvider({ json, locale, timeZone, children }: { json: string; locale: Locale; timeZone: string; children: React.ReactNode }) {
  return (
    <NextIntlClientProvider locale={locale} timeZone={timeZone} messages={parse(json)}>
      {children}
    </NextIntlClientProvider>
  );
}

export function MergedMessages({ json, children }: { json: string; children: React.ReactNode }) {
  const outer = useMessages();
  const locale = useLocale();
  return (
    <NextIntlClientProvider locale={locale} messages={mergedOnce(outer, parse(json))}>
      {children}
    </NextIntlClientProvider>
  );
}
