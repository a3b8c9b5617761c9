"use client";
/**
 * A section's provider: its own namespaces laid over those of the provider it
 * sits in (the dashboard shell's), so the page's HTML carries the shell's
 * catalog once and the section's additions once. Locale, time zone, formats
 * and the error handler are the outer provider's.
 */
import { useMemo } from "react";
import { NextIntlClientProvider, useLocale, useMessages, type AbstractIntlMessages } from "next-intl";
import { mergeMessages } from "./client-namespaces";

export function MergedMessages({ messages, children }: { messages: AbstractIntlMessages; children: React.ReactNode }) {
  const outer = useMessages();
  const locale = useLocale();
  const merged = useMemo(() => mergeMessages(outer, messages), [outer, messages]);
  return (
    <NextIntlClientProvider locale={locale} messages={merged}>
      {children}
    </NextIntlClientProvider>
  );
}
