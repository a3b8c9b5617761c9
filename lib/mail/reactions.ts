/**
 * Mail's reactions to what other capabilities did (wired in lib/reactions.ts):
 * the security notices to the person concerned — password changed, two-factor
 * changed — each sent only when the owner left it on and mail is set up, and
 * never to a person without an email address. Loading this module also
 * registers the mail sender on the outbox.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { UAParser } from "ua-parser-js";
import { react } from "@/lib/data/effects";
import type { Tx } from "@/lib/db/database";
import { knownBrowsers, users } from "@/lib/db/schema";
import { openIdentity } from "@/lib/users/records";
import { queueMail } from "./delivery";
import { mailStatus, type NoticeKind } from "./settings";
import { securityNoticeMail } from "./templates";

/** Queues a security notice to the user in tx, when the owner wants that kind and mail is on. Returns whether one was queued. */
export async function queueSecurityNotice(tx: Tx, accountId: string, userId: string, kind: NoticeKind, detail?: string): Promise<boolean> {
  const status = await mailStatus(tx, accountId);
  if (!status.enabled || !status.publicUrl || !status.notices[kind]) return false;
  const [row] = await tx.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, userId))).limit(1);
  if (!row || row.isServiceUser) return false;
  const person = openIdentity(row);
  if (!person.email) return false;
  await queueMail(tx, { accountId, to: person.email, kind: "security_notice", mail: securityNoticeMail({ publicUrl: status.publicUrl, name: person.name, kind, detail }) });
  return true;
}

react("user.password_changed", "mail:notice-password-changed", async (tx, { accountId, userId }) => {
  await queueSecurityNotice(tx, accountId, userId, "passwordChanged");
});

react("user.two_factor_changed", "mail:notice-two-factor-changed", async (tx, { accountId, userId, change }) => {
  await queueSecurityNotice(tx, accountId, userId, "twoFactorChanged", change ? `(${change})` : undefined);
});

react("user.access_token_created", "mail:notice-access-token-created", async (tx, { accountId, userId, tokenName }) => {
  await queueSecurityNotice(tx, accountId, userId, "accessTokenCreated", `Its name is "${tokenName}".`);
});

/** A browser as the notice cares about it: its name and system, not versions (an update is not a new browser). */
function browserOf(userAgent: string | null): { label: string; digest: (userId: string) => string } {
  const { browser, os } = new UAParser(userAgent ?? "").getResult();
  const label = [browser.name ?? "An unknown browser", os.name ? `on ${os.name}` : null].filter(Boolean).join(" ");
  return { label, digest: (userId) => crypto.createHash("sha256").update(`${userId}\u0000${label}`).digest("base64url") };
}

react("session.created", "mail:notice-new-browser", async (tx, { accountId, userId, userAgent, ip }) => {
  const browser = browserOf(userAgent);
  const digest = browser.digest(userId);
  const [anyKnown] = await tx.select({ d: knownBrowsers.browserDigest }).from(knownBrowsers).where(eq(knownBrowsers.userId, userId)).limit(1);
  const added = await tx
    .insert(knownBrowsers)
    .values({ userId, browserDigest: digest, accountId, firstSeenAt: new Date() })
    .onConflictDoNothing()
    .returning({ d: knownBrowsers.browserDigest });
  // The first browser ever (the invite, the first sign-in) is not news; another new one is.
  if (anyKnown && added.length > 0) {
    await queueSecurityNotice(tx, accountId, userId, "newBrowser", `Browser: ${browser.label}${ip ? `, from the address ${ip}` : ""}.`);
  }
});
