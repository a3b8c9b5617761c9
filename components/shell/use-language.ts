"use client";

import { useLocale } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { rememberLanguageAction } from "@/app/(dashboard)/profile/language-actions";
import { initialFormState } from "@/lib/forms/form-state";
import { LOCALE_COOKIE, parseLocale, DEFAULT_LOCALE, type Locale } from "@/i18n/locales";

/**
 * The language shown and a setter that remembers the choice for a year (the
 * same way as the theme) and re-renders the page in it. "auto" forgets the
 * choice: the browser's language decides again.
 */
export function useLanguage(renderedChosen = false): { locale: Locale; chosen: boolean; setLanguage: (next: Locale | "auto") => void; pending: boolean } {
  const locale = parseLocale(useLocale()) ?? DEFAULT_LOCALE;
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // `renderedChosen`: what the server read from the same cookie, for the server's render.
  const chosen = typeof document === "undefined" ? renderedChosen : new RegExp(`(?:^|; )${LOCALE_COOKIE}=[^;]`).test(document.cookie);
  const setLanguage = (next: Locale | "auto") => {
    document.cookie =
      next === "auto" ? `${LOCALE_COOKIE}=; path=/; max-age=0; samesite=lax` : `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    startTransition(async () => {
      // Signed in, the choice is also kept on the person, for their mail; on the sign-in page it is refused,
      // harmlessly: signing in with the cookie keeps it then (lib/sessions).
      await rememberLanguageAction(next, initialFormState);
      router.refresh();
    });
  };
  return { locale, chosen, setLanguage, pending };
}
