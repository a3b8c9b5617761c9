/**
 * The language a mail is written in, and its words from the message catalog.
 * The rule, as Keycloak keeps it: a person's own choice (users.locale, kept
 * when they pick a language in the avatar menu, on Profile or on the sign-in
 * page and then sign in), else the instance's language, which is the one the
 * owner set the instance up in, else English. An invite goes out in the
 * inviter's language: the invitee has no row, and no choice, yet.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
// use-intl/core (next-intl's own core): no React, so the operator commands (npm run users, recover-owner) load it too.
import { createFormatter, createTranslator } from "use-intl/core";
import type { Db, Tx } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { DEFAULT_LOCALE, parseLocale, type Locale } from "@/i18n/locales";
import de from "@/messages/de.json";
import en from "@/messages/en.json";

const CATALOGS = { en, de } as const;

export function mailTranslator(locale: Locale) {
  return createTranslator({ locale, messages: CATALOGS[locale], namespace: "mail" });
}
export type MailTranslator = ReturnType<typeof mailTranslator>;

/** Dates in mail: the reader's language, in UTC and labelled so (a mail has no time zone). */
export function mailDateTime(locale: Locale, date: Date): string {
  return `${createFormatter({ locale, timeZone: "UTC" }).dateTime(date, { dateStyle: "full", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

/** The instance's language: the owner's (set at setup, changed by their own choice), else English. */
export async function instanceLocale(tx: Db | Tx, accountId: string): Promise<Locale> {
  const [owner] = await tx
    .select({ locale: users.locale })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.role, "owner")))
    .limit(1);
  return parseLocale(owner?.locale ?? undefined) ?? DEFAULT_LOCALE;
}

/** The language of mail to (or, for an invite, from) a person: theirs, else the instance's. */
export async function mailLocaleOf(tx: Db | Tx, accountId: string, userId: string | null | undefined): Promise<Locale> {
  if (userId) {
    const [row] = await tx
      .select({ locale: users.locale })
      .from(users)
      .where(and(eq(users.accountId, accountId), eq(users.id, userId)))
      .limit(1);
    const own = parseLocale(row?.locale ?? undefined);
    if (own) return own;
  }
  return instanceLocale(tx, accountId);
}
