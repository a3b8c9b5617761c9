/**
 * Mail's reactions to what other capabilities did (wired in lib/reactions.ts):
 * the security notices to the person concerned — password changed, two-factor
 * changed — each sent only when the owner left it on and mail is set up, and
 * never to a person without an email address. Loading this module also
 * registers the mail sender on the outbox.
 */
import "server-only";
import crypto from "node:crypto";
import { and, desc, eq, like, notInArray, sql, type SQL } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { UAParser } from "ua-parser-js";
import { emailBlindIndexes } from "@/lib/crypto/blind-index";
import { react } from "@/lib/data/effects";
import { dialect, type Db, type Tx } from "@/lib/db/database";
import { literalLimit, perTransaction, perTransactionBy } from "@/lib/db/prepared";
import { knownBrowsers, users } from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema.pg";
import { securityNoticeLimit } from "@/lib/security/limits";
import { countWithinLimit } from "@/lib/security/rate-limit";
import { openIdentity } from "@/lib/users/records";
import { parseLocale } from "@/i18n/locales";
import { queueMail } from "./delivery";
import { mailStatus, type NoticeKind } from "./settings";
import { mailLocaleOf, type MailTranslator } from "./language";
import { emailMovedNoticeMail, securityNoticeMail } from "./templates";

/** Queues a security notice to the user in tx, when the owner wants that kind and mail is on. Returns whether one was queued. */
export async function queueSecurityNotice(tx: Tx, accountId: string, userId: string, kind: NoticeKind, detail?: (t: MailTranslator) => string): Promise<boolean> {
  const status = await mailStatus(tx, accountId);
  if (!status.enabled || !status.publicUrl || !status.notices[kind]) return false;
  const [row] = await tx.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, userId))).limit(1);
  if (!row || row.isServiceUser) return false;
  const person = openIdentity(row);
  if (!person.email) return false;
  // The person's hourly budget (lib/security/limits.ts): past it, what caused the notice stands, unmailed.
  if (!(await countWithinLimit(tx, securityNoticeLimit(), userId)).within) return false;
  await queueMail(tx, { accountId, to: person.email, kind: "security_notice", for: { userId }, mail: securityNoticeMail(parseLocale(row.locale ?? undefined) ?? (await mailLocaleOf(tx, accountId, null)), { publicUrl: status.publicUrl, brand: status.brand, name: person.name, kind, detail }) });
  return true;
}

react("user.password_changed", "mail:notice-password-changed", async (tx, { accountId, userId }) => {
  await queueSecurityNotice(tx, accountId, userId, "passwordChanged");
});

react("user.two_factor_changed", "mail:notice-two-factor-changed", async (tx, { accountId, userId, change }) => {
  await queueSecurityNotice(tx, accountId, userId, "twoFactorChanged", change ? () => `(${change})` : undefined);
});

react("user.access_token_created", "mail:notice-access-token-created", async (tx, { accountId, userId, tokenName }) => {
  await queueSecurityNotice(tx, accountId, userId, "accessTokenCreated", (t) => t("notice.tokenName", { name: tokenName }));
});

/**
 * An admin's edit moved the person's address (review 44): the address it replaced is told, as a person's own change
 * tells it when asked. Without it, a stolen admin session moved the address and the next "Forgot password?" went to
 * the new one unheard of. Not one of the owner's optional notices (neither is the own change's); the person's hourly
 * notice budget bounds it, so an admin saving addresses back and forth can't flood the old inbox.
 */
react("user.email_changed", "mail:notice-email-moved", async (tx, { accountId, userId, movedFrom }) => {
  if (!movedFrom) return;
  const status = await mailStatus(tx, accountId);
  if (!status.enabled || !status.publicUrl) return;
  const [row] = await tx.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, userId))).limit(1);
  if (!row || row.isServiceUser) return;
  // The same mailbox written another way (case, spaces) has moved nowhere.
  if (row.emailIndex !== null && emailBlindIndexes(movedFrom).includes(row.emailIndex)) return;
  if (!(await countWithinLimit(tx, securityNoticeLimit(), userId)).within) return;
  const locale = parseLocale(row.locale ?? undefined) ?? (await mailLocaleOf(tx, accountId, null));
  await queueMail(tx, {
    accountId,
    to: movedFrom,
    kind: "email_change_notice",
    for: { userId },
    mail: emailMovedNoticeMail(locale, { publicUrl: status.publicUrl, brand: status.brand, name: openIdentity(row).name || null }),
  });
});

/** A browser's make as the notice names it: its name and system, not versions (an update is not a new browser). */
function browserMake(userAgent: string | null): { browser: string | null; os: string | null } {
  const { browser, os } = new UAParser(userAgent ?? "").getResult();
  return { browser: browser.name ?? null, os: os.name ?? null };
}

/** The make in words: in the mail's language, or without one the English words that key browsers told apart by make. */
function browserLabel(make: { browser: string | null; os: string | null }, t?: MailTranslator): string {
  if (!t) return [make.browser ?? "An unknown browser", make.os ? `on ${make.os}` : null].filter(Boolean).join(" ");
  const browser = make.browser ?? t("notice.unknownBrowser");
  return make.os ? t("notice.browserOn", { browser, os: make.os }) : browser;
}

const digest = (...parts: string[]) => crypto.createHash("sha256").update(parts.join("\u0000")).digest("base64url");
/** Rows for browsers told apart by their device cookie start with this; the others (clients without the cookie) by their make. */
const DEVICE_ROW = "d:";

/**
 * Whether `device` (a device cookie's id) is a browser this person has signed in with: remembered by the
 * new-browser reaction below. Not a credential: it only tells their own browser from a stranger's.
 */
export async function isKnownDeviceOf(database: Db, userId: string, device: string): Promise<boolean> {
  const [row] = await database
    .select({ d: knownBrowsers.browserDigest })
    .from(knownBrowsers)
    .where(and(eq(knownBrowsers.userId, userId), eq(knownBrowsers.browserDigest, DEVICE_ROW + digest(userId, "device", device))))
    .limit(1);
  return row !== undefined;
}

/** The reaction's statements, built once per unit-of-work tx (lib/db/prepared.ts): every sign-in runs them. */
const knownBrowserOf = (tx: Tx, sameKind: SQL | undefined) =>
  tx
    .select({ d: knownBrowsers.browserDigest })
    .from(knownBrowsers)
    .where(and(eq(knownBrowsers.userId, sql.placeholder("userId")), sameKind))
    .limit(literalLimit(1))
    .prepare();
const anyKnownDevice = perTransaction((tx) => knownBrowserOf(tx, like(knownBrowsers.browserDigest, sql.raw(`'${DEVICE_ROW}%'`))));
const anyKnownBrowser = perTransaction((tx) => knownBrowserOf(tx, undefined));
const rememberBrowser = perTransaction((tx) =>
  tx
    .insert(knownBrowsers)
    .values({
      userId: sql.placeholder("userId"),
      browserDigest: sql.placeholder("browserDigest"),
      accountId: sql.placeholder("accountId"),
      firstSeenAt: sql.placeholder("firstSeenAt"),
    })
    .onConflictDoNothing()
    .returning({ d: knownBrowsers.browserDigest })
    .prepare(),
);

/**
 * PostgreSQL: whether a browser of the kind was known (anyKnownDevice / anyKnownBrowser) and whether this
 * one was added (rememberBrowser) in one statement, one round trip under the write lock instead of two.
 * Every part of a statement sees one snapshot, so `known` is read as before the insert, as it was.
 */
const knownThenRemembered = perTransactionBy((tx: Tx, device: boolean) => {
  // Tx is typed with SQLite's builders; on PostgreSQL it is pg-core's database, with its schema's tables.
  const pgTx = tx as unknown as NodePgDatabase;
  const table = pgSchema.knownBrowsers;
  const sameKind = device ? like(table.browserDigest, sql.raw(`'${DEVICE_ROW}%'`)) : undefined;
  const known = pgTx.$with("known").as(
    pgTx.select({ d: table.browserDigest }).from(table).where(and(eq(table.userId, sql.placeholder("userId")), sameKind)).limit(literalLimit(1)),
  );
  const added = pgTx.$with("added").as(
    pgTx
      .insert(table)
      .values({
        userId: sql.placeholder("userId"),
        browserDigest: sql.placeholder("browserDigest"),
        accountId: sql.placeholder("accountId"),
        firstSeenAt: sql.placeholder("firstSeenAt"),
      })
      .onConflictDoNothing()
      .returning({ d: table.browserDigest }),
  );
  return pgTx
    .with(known, added)
    .select({ anyKnown: sql<boolean>`exists (select 1 from ${known})`, added: sql<boolean>`exists (select 1 from ${added})` })
    .from(sql`(values (1)) as one`)
    .prepare(device ? "latchkey_known_device_then_remembered" : "latchkey_known_browser_then_remembered");
});

/** Whether a browser of this kind was known before, and whether this one is new (remembered now). */
async function rememberThisBrowser(tx: Tx, device: boolean, values: { userId: string; browserDigest: string; accountId: string; firstSeenAt: Date }) {
  if (dialect() === "postgres") {
    const [row] = await knownThenRemembered(tx, device).execute(values);
    return { anyKnown: row.anyKnown, added: row.added };
  }
  const [anyKnown] = await (device ? anyKnownDevice : anyKnownBrowser)(tx).execute({ userId: values.userId });
  const added = await rememberBrowser(tx).execute(values);
  return { anyKnown: anyKnown !== undefined, added: added.length > 0 };
}

/**
 * The browser's device cookie is the client's to choose: a script signing in with a person's own password in
 * a loop, a fresh cookie each time, is a new browser at every sign-in. So a person's known browsers are kept
 * to the newest MAX_KNOWN_BROWSERS_PER_USER (a forgotten one is news again, once); the notices themselves
 * are bounded by queueSecurityNotice's hourly budget.
 */
export const MAX_KNOWN_BROWSERS_PER_USER = 100;

async function forgetOldestBrowsers(tx: Tx, userId: string): Promise<void> {
  const kept = tx
    .select({ d: knownBrowsers.browserDigest })
    .from(knownBrowsers)
    .where(eq(knownBrowsers.userId, userId))
    .orderBy(desc(knownBrowsers.firstSeenAt), desc(knownBrowsers.browserDigest))
    .limit(MAX_KNOWN_BROWSERS_PER_USER);
  await tx.delete(knownBrowsers).where(and(eq(knownBrowsers.userId, userId), notInArray(knownBrowsers.browserDigest, kept)));
}

/**
 * A sign-in from a browser the person never signed in from: the browser is its
 * device cookie (lib/http/device-cookie.ts) when it sent one, else its make.
 * The first browser ever (the invite, the first sign-in) is not news, nor the
 * first one with a device cookie (browsers known before the cookie existed).
 */
react("session.created", "mail:notice-new-browser", async (tx, { accountId, userId, userAgent, ip, device }) => {
  // Parsing the user agent costs more than the rest of this reaction: only when it names the row or the notice.
  const browserDigest = device ? DEVICE_ROW + digest(userId, "device", device) : digest(userId, browserLabel(browserMake(userAgent)));
  const { anyKnown, added } = await rememberThisBrowser(tx, !!device, { userId, browserDigest, accountId, firstSeenAt: new Date() });
  if (added) await forgetOldestBrowsers(tx, userId);
  if (anyKnown && added) {
    const make = browserMake(userAgent);
    await queueSecurityNotice(tx, accountId, userId, "newBrowser", (t) =>
      ip ? t("notice.browserFrom", { browser: browserLabel(make, t), ip }) : t("notice.browser", { browser: browserLabel(make, t) }),
    );
  }
});
