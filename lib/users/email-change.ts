/**
 * A person changing their own email address (the Profile email field): the
 * new address must confirm with a link before it takes effect, and the old
 * address gets a notice. The pending address rests sealed with its blind
 * index; the link's `lke_` token is stored as its digest, single use, 24 hours.
 * Without mail there is nothing to confirm with: an admin changes the email.
 *
 * The same link proves an address the person already has but nobody proved (an invite whose link was
 * handed out, lib/invites/inviter-rule.ts inviterVouchesForEmail): "Confirm this address" asks for it,
 * and following it sets users.email_verified_at, what apps are told as email_verified. Any confirmed
 * link proves the address it went to.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertNotLimitedToken, assertSelf, can } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { digestToken, isWellFormedToken, mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { emit } from "@/lib/data/effects";
import { write, writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { emailChanges, users } from "@/lib/db/schema";
import { Conflict, Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { queueMail } from "@/lib/mail/delivery";
import { assertMailEnabled, mailStatus } from "@/lib/mail/settings";
import { mailLocaleOf } from "@/lib/mail/language";
import { emailAddressConfirmMail, emailChangeConfirmMail, emailChangeNoticeMail, emailInUseMail } from "@/lib/mail/templates";
import { emailChangeRequestDailyLimit, emailChangeRequestLimit, emailConfirmationLimit, passwordResetConfirmLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { addressLimitKey } from "@/lib/security/address-key";
import { assertEmailAvailable } from "./email-availability";
import { emailSchema } from "./fields";
import { loadUser } from "./lifecycle";
import { assertKnowsCurrentPassword, assertPasswordStillCurrent } from "./password";
import { findUserRow, sealEmail, userLabel } from "./records";
import { emailNotOurs } from "./rules";
import { indexUser } from "./search-source";

export const EMAIL_CHANGE_HOURS = 24;
export const emailChangeSchema = z.object({
  email: emailSchema,
  /** Required when the account has a password: a session or token alone doesn't move where the account is reached. */
  current_password: z.string({ error: "Current password is required" }).max(1024).optional(),
});
export const confirmEmailChangeSchema = z.object({ token: z.string({ error: "The link is incomplete" }).max(200) });
export const INVALID_EMAIL_LINK = "This link is invalid, used or expired. Change your email again from your profile.";

const pendingField = (id: string) => ({ table: "email_changes", column: "new_email", rowId: id });

/**
 * Whether the address is free, for this actor. Someone who may read the directory and the invites is told
 * it's taken; anyone else gets the same answer as for a free address (else Profile → Email would tell a
 * member who has an account or an invite here), and the address itself is told by mail that nothing changed.
 */
async function addressFreeFor(tx: Tx, actor: Actor, email: string): Promise<boolean> {
  try {
    await assertEmailAvailable(tx, actor.accountId, email, { userId: actor.userId });
    return true;
  } catch (err) {
    if (err instanceof Conflict && !(can(actor, "users:read") && can(actor, "invites:read"))) return false;
    throw err;
  }
}

/** Replaces the person's pending link (one at a time) with a new one for `email`; returns the link to mail. */
async function newConfirmationLink(tx: Tx, me: Actor, email: string, publicUrl: string, now: Date): Promise<string> {
  await tx.delete(emailChanges).where(eq(emailChanges.userId, me.userId));
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.emailChange);
  const id = crypto.randomUUID();
  await tx.insert(emailChanges).values({
    tokenDigest: digest,
    id,
    accountId: me.accountId,
    userId: me.userId,
    newEmailCiphertext: encryptField(email, pendingField(id)),
    newEmailIndex: emailBlindIndex(email),
    expiresAt: new Date(now.getTime() + EMAIL_CHANGE_HOURS * 3_600_000),
    createdAt: now,
  });
  return `${publicUrl}/confirm-email?token=${encodeURIComponent(plain)}`;
}

/**
 * "Confirm this address": mails the person's current, unproven address the same link an email change
 * sends (replacing a pending change). Nothing moves, so no password is asked; a per-person limit keeps
 * the button from flooding the inbox. Refused without mail (say so, as an email change does).
 */
export async function requestEmailConfirmation(actor: Actor, meta: RequestMeta, now = new Date()): Promise<{ message: string; email: string }> {
  assertSelf(actor, actor.userId, "You can only confirm your own email");
  assertNotLimitedToken(actor, "A token limited to some permissions can't confirm its owner's email");
  await consumeRateLimit(emailConfirmationLimit(), `${actor.accountId}:${actor.userId}`);
  // The same daily budget as a change: an address nobody proved may not be the member's own.
  await consumeRateLimit(emailChangeRequestDailyLimit(), `${actor.accountId}:${actor.userId}`);
  return write(actor, async (tx, me) => {
    const user = await loadUser(tx, me.accountId, me.userId);
    if (user.idpId !== null) throw new PreconditionFailed("Your email comes from your identity provider; change it there");
    if (!user.email) throw new PreconditionFailed("You have no email address to confirm");
    if (user.emailVerified) throw new PreconditionFailed("Your email address is already confirmed");
    const status = await mailStatus(tx, me.accountId);
    assertMailEnabled(status);
    const locale = await mailLocaleOf(tx, me.accountId, me.userId);
    const link = await newConfirmationLink(tx, me, user.email, status.publicUrl!, now);
    await queueMail(tx, {
      accountId: me.accountId,
      to: user.email,
      kind: "email_change",
      for: { userId: me.userId },
      mail: emailAddressConfirmMail(locale, { publicUrl: status.publicUrl!, brand: status.brand, name: user.name || null, link, minutes: EMAIL_CHANGE_HOURS * 60 }),
    });
    const self = { type: "user" as const, id: me.userId, label: userLabel(user) };
    await recordEvent(tx, { accountId: me.accountId, action: "user.email.confirmation_requested", actor: self, target: self, meta, at: now });
    return { message: `We sent a link to ${user.email}. Your address is confirmed when you open it.`, email: user.email };
  });
}

/** Asks for a confirmation at the new address; nothing changes until it is confirmed. */
export async function requestEmailChange(actor: Actor, rawInput: unknown, meta: RequestMeta, now = new Date()): Promise<{ message: string; email: string }> {
  assertSelf(actor, actor.userId, "You can only change your own email");
  const { email, current_password } = parseOrThrow(emailChangeSchema, rawInput);
  assertNotLimitedToken(actor, "A token limited to some permissions can't change its owner's email");
  // Each request mails an address the person names: a few per person, with or without a password to prove.
  await consumeRateLimit(emailChangeRequestLimit(), `${actor.accountId}:${actor.userId}`);
  await consumeRateLimit(emailChangeRequestDailyLimit(), `${actor.accountId}:${actor.userId}`);
  const row = await findUserRow(db(), actor.accountId, actor.userId);
  if (!row) throw new NotFound("User");
  if (row.passwordHash) await assertKnowsCurrentPassword(actor, { ...row, passwordHash: row.passwordHash }, current_password, "current_password", meta, now);
  return write(actor, async (tx, me) => {
    if (row.passwordHash) await assertPasswordStillCurrent(tx, me.userId, row.passwordHash, "current_password");
    const user = await loadUser(tx, me.accountId, me.userId);
    if (user.idpId !== null) throw new PreconditionFailed("Your email comes from your identity provider; change it there");
    if (user.email && emailBlindIndex(user.email) === emailBlindIndex(email)) throw new Invalid("Invalid input", { email: ["This is already your email address"] });
    const status = await mailStatus(tx, me.accountId);
    assertMailEnabled(status);
    const free = await addressFreeFor(tx, me, email);
    const locale = await mailLocaleOf(tx, me.accountId, me.userId);
    const brand = { publicUrl: status.publicUrl!, brand: status.brand };
    if (free) {
      const link = await newConfirmationLink(tx, me, email, status.publicUrl!, now);
      await queueMail(tx, { accountId: me.accountId, to: email, kind: "email_change", for: { userId: me.userId }, mail: emailChangeConfirmMail(locale, { ...brand, name: user.name || null, link, minutes: EMAIL_CHANGE_HOURS * 60 }) });
    } else {
      await tx.delete(emailChanges).where(eq(emailChanges.userId, me.userId));
      await queueMail(tx, { accountId: me.accountId, to: email, kind: "email_change", for: { userId: me.userId }, mail: emailInUseMail(locale, brand) });
    }
    // The current address hears of it either way (its owner would notice a notice that only some requests send).
    if (user.email) {
      await queueMail(tx, { accountId: me.accountId, to: user.email, kind: "email_change_notice", for: { userId: me.userId }, mail: emailChangeNoticeMail(locale, { ...brand, name: user.name || null }) });
    }
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "user.email.change_requested",
      actor: { type: "user", id: me.userId, label: userLabel(user) },
      target: { type: "user", id: me.userId, label: userLabel(user) },
      ...(free ? {} : { details: { refused: "address_in_use" } }),
      meta,
      at: now,
    });
    return { message: `We sent a link to ${email}. Your email changes when you open it.`, email };
  });
}

/** The new address's link: the email changes now (once; refused if someone took the address meanwhile). */
export async function confirmEmailChange(rawInput: unknown, meta: RequestMeta, now = new Date()): Promise<{ email: string }> {
  await consumeRateLimit(passwordResetConfirmLimit(), addressLimitKey(meta.ip));
  const parsed = confirmEmailChangeSchema.safeParse(rawInput);
  const token = parsed.success ? parsed.data.token : "";
  if (!isWellFormedToken(token, TOKEN_PREFIXES.emailChange)) throw new Invalid(INVALID_EMAIL_LINK, { token: [INVALID_EMAIL_LINK] });
  return writeSystem(async (tx) => {
    const [pending] = await tx
      .select()
      .from(emailChanges)
      .where(and(eq(emailChanges.tokenDigest, digestToken(token)), gt(emailChanges.expiresAt, now)))
      .limit(1);
    if (!pending) throw new Invalid(INVALID_EMAIL_LINK, { token: [INVALID_EMAIL_LINK] });
    const user = await loadUser(tx, pending.accountId, pending.userId);
    // Blocked, or the address is no longer ours to set (the account came to sign in through an identity provider
    // after the link was asked for: the provider says its email now, as the request itself would have been told).
    if (user.isBlocked || emailNotOurs(user) !== null) throw new Invalid(INVALID_EMAIL_LINK, { token: [INVALID_EMAIL_LINK] });
    const email = decryptField(pending.newEmailCiphertext, pendingField(pending.id));
    await tx.delete(emailChanges).where(eq(emailChanges.userId, pending.userId));
    // "Confirm this address": the link went to the address they have; it is proven, nothing else changes.
    if (user.email !== null && emailBlindIndex(user.email) === pending.newEmailIndex) {
      await tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, user.id));
      const self = { type: "user" as const, id: user.id, label: userLabel(user) };
      await recordEvent(tx, { accountId: user.accountId, action: "user.email.verified", actor: self, target: self, meta, at: now });
      return { email: user.email };
    }
    await assertEmailAvailable(tx, pending.accountId, email, { userId: pending.userId });
    // The link mailed to the new address was followed: it is proven.
    await tx.update(users).set(sealEmail(user.id, email, now)).where(eq(users.id, user.id));
    await emit(tx, "user.email_changed", { accountId: user.accountId, userId: user.id });
    await indexUser(tx, { accountId: user.accountId, id: user.id, name: user.name, email, username: user.username });
    await recordEvent(tx, {
      accountId: user.accountId,
      action: "user.email.changed",
      actor: { type: "user", id: user.id, label: userLabel(user) },
      target: { type: "user", id: user.id, label: userLabel({ ...user, email }) },
      privateDetails: { from: user.email, to: email },
      meta,
      at: now,
    });
    return { email };
  });
}
