/**
 * Setting a new password from a link sent by email: "Forgot password?" (the
 * person asks) and an admin's "Send reset link". The link carries a
 * single-use `lkr_` token, valid 30 minutes, stored only as its digest; using
 * it sets the password (the policy applies), ends every session of the user,
 * and does not touch two-factor (still asked at the next sign-in).
 *
 * The public request answers the same, in the same time, for any email:
 * unknown, blocked, external (they get a mail saying where to change it) or
 * known. It is throttled per email and per client address.
 */
import "server-only";
import type { MailBrand } from "@/lib/instance/branding";
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { hashPassword } from "@/lib/crypto/passwords";
import { factorsKept } from "@/lib/mfa/records";
import { digestToken, isWellFormedToken, mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { emit, noneEnded } from "@/lib/data/effects";
import { write, writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { passwordResets, users, type UserRow } from "@/lib/db/schema";
import { Invalid, PreconditionFailed, RateLimited } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { queueMail } from "@/lib/mail/delivery";
import { isKnownDeviceOf } from "@/lib/mail/reactions";
import { assertMailEnabled, mailStatus } from "@/lib/mail/settings";
import { mailLocaleOf } from "@/lib/mail/language";
import { passwordElsewhereMail, passwordResetMail } from "@/lib/mail/templates";
import { assertPasswordAllowed, newPasswordSchema } from "@/lib/passwords/policy";
import { adminResetLinkLimit, passwordResetConfirmLimit, passwordResetEmailDailyLimit, passwordResetEmailLimit, passwordResetIpLimit, passwordResetOwnBrowserLimit } from "@/lib/security/limits";
import { consumeRateLimit, countWithinLimit, rateLimitRefusal } from "@/lib/security/rate-limit";
import { addressLimitKey } from "@/lib/security/address-key";
import { instanceAccountId } from "@/lib/instance/account";
import { emailSchema } from "./fields";
import { loadUser } from "./lifecycle";
import { findUserRowsByEmail, openIdentity, userLabel } from "./records";
import { assertCanResetPassword } from "./rules";
import { assertOutranks } from "@/lib/auth/escalation";

export const RESET_LINK_MINUTES = 30;
/** Every public request answers after this wait, whatever the email (the work runs apart from it). */
const REQUEST_WAIT_MS = 250;

export const forgotPasswordSchema = z.object({ email: emailSchema });
export const resetWithTokenSchema = z.object({
  token: z.string({ error: "The link is incomplete" }).max(200, "The link is incomplete"),
  password: newPasswordSchema,
});

export const FORGOT_PASSWORD_ANSWER = "If an account exists for that email, we sent a link to set a new password. It works for 30 minutes.";
export const INVALID_RESET_LINK = "This link is invalid, used or expired. Ask for a new one.";

const resetLink = (publicUrl: string, token: string) => `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;

/** Stores a new reset link's digest (the older unused links of the user stop working); returns its token. */
async function storeResetLink(tx: Tx, row: UserRow, now: Date): Promise<string> {
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.passwordReset);
  await tx.delete(passwordResets).where(and(eq(passwordResets.userId, row.id), isNull(passwordResets.usedAt)));
  await tx.insert(passwordResets).values({
    tokenDigest: digest,
    accountId: row.accountId,
    userId: row.id,
    expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
    createdAt: now,
  });
  return plain;
}

/** Queues a reset link to the user (the older unused links of the user stop working). */
async function issueResetLink(tx: Tx, row: UserRow, email: string, publicUrl: string, brand: MailBrand, now: Date): Promise<void> {
  const plain = await storeResetLink(tx, row, now);
  const person = openIdentity(row);
  await queueMail(tx, {
    accountId: row.accountId,
    to: email,
    kind: "password_reset",
    for: { userId: row.id },
    mail: passwordResetMail(await mailLocaleOf(tx, row.accountId, row.id), { publicUrl, brand, name: person.name || null, link: resetLink(publicUrl, plain), minutes: RESET_LINK_MINUTES }),
  });
}

const isLocal = (row: UserRow) => row.idpId === null && !row.isServiceUser;

/** Requests whose lookup and mail are still being written (tests wait for them). */
const inFlight = new Set<Promise<void>>();

/** Resolves when every "Forgot password?" request's work is done. */
export async function passwordResetRequestsIdle(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

/**
 * "Forgot password?": always the same answer, after the same wait. The
 * throttles are counted first (the same for any email); the lookup and the
 * mail run after the answer is decided, so neither the answer nor its time
 * depends on whether the email is known. A link goes out only to a known,
 * active, local person while mail is on.
 */
export async function requestPasswordReset(rawEmail: unknown, meta: RequestMeta, now = new Date()): Promise<{ message: string }> {
  const { email } = parseOrThrow(forgotPasswordSchema, { email: rawEmail });
  await consumeRateLimit(passwordResetIpLimit(), addressLimitKey(meta.ip));
  await consumeAddressLimit(email, meta);
  await new Promise((resolve) => setTimeout(resolve, REQUEST_WAIT_MS));
  // Started once the answer is due, so nothing about this email runs while the caller waits.
  const work = issueForEmail(email, meta, now).catch((err: unknown) => console.error("A password reset request failed:", err));
  inFlight.add(work);
  void work.finally(() => inFlight.delete(work));
  return { message: FORGOT_PASSWORD_ANSWER };
}

/**
 * The address's limits, per 15 minutes and per day (its inbox is not to be flooded), keyed by the blind index: rate_limits holds no
 * address in plain text (as the sign-in throttle). Once strangers have used it up, the person's own
 * browser (one they signed in with before, by its device cookie) still gets its requests, on a limit of
 * its own: otherwise anyone could keep a person from resetting their password by asking for them.
 */
async function consumeAddressLimit(email: string, meta: RequestMeta): Promise<void> {
  const index = emailBlindIndex(email);
  try {
    await consumeRateLimit(passwordResetEmailLimit(), index);
    await consumeRateLimit(passwordResetEmailDailyLimit(), index);
  } catch (err) {
    if (!(err instanceof RateLimited) || !meta.device || !(await fromTheirOwnBrowser(email, meta.device))) throw err;
    await consumeRateLimit(passwordResetOwnBrowserLimit(), `${index}:${meta.device}`);
  }
}

/** The device check runs for an unknown email too (against no one): the same queries either way, so its time tells nothing. */
async function fromTheirOwnBrowser(email: string, device: string): Promise<boolean> {
  const accountId = await instanceAccountId();
  const [row] = (await findUserRowsByEmail(db(), email)).filter((r) => r.accountId === accountId);
  const known = await isKnownDeviceOf(db(), row?.id ?? "", device);
  return row !== undefined && known;
}

async function issueForEmail(email: string, meta: RequestMeta, now: Date): Promise<void> {
  const accountId = await instanceAccountId();
  if (!accountId) return;
  await writeSystem(async (tx) => {
    const status = await mailStatus(tx, accountId);
    const [row] = (await findUserRowsByEmail(tx, email)).filter((r) => r.accountId === accountId);
    const usable = row && !row.isBlocked && !row.pendingApproval && !row.isServiceUser;
    if (!status.enabled || !status.publicUrl || !usable) return;
    if (isLocal(row)) await issueResetLink(tx, row, email, status.publicUrl, status.brand, now);
    else {
      const via = row.idpId === "header" ? "header" : "provider";
      const locale = await mailLocaleOf(tx, accountId, row.id);
      await queueMail(tx, { accountId, to: email, kind: "password_reset", for: { userId: row.id }, mail: passwordElsewhereMail(locale, { publicUrl: status.publicUrl, brand: status.brand, name: openIdentity(row).name || null, via }) });
    }
    await recordEvent(tx, {
      accountId,
      action: "user.password.reset_requested",
      actor: { type: "anonymous", id: null },
      target: { type: "user", id: row.id, label: userLabel(openIdentity(row)) },
      details: { local: isLocal(row) },
      meta,
      at: now,
    });
  });
}

/**
 * The person an admin's (or the operator's) reset link is for, re-read under the write with the caller: theirs to
 * reset, not above the caller, not blocked; and their row, which the link is issued for.
 */
async function resetLinkTarget(tx: Tx, me: Actor, userId: string): Promise<{ current: Awaited<ReturnType<typeof loadUser>>; row: UserRow }> {
  const current = await loadUser(tx, me.accountId, userId);
  assertCanResetPassword(me, current);
  await assertOutranks(tx, me, current);
  if (current.isBlocked) throw new PreconditionFailed("This user is blocked; unblock them first");
  const [row] = await tx.select().from(users).where(and(eq(users.accountId, me.accountId), eq(users.id, userId))).limit(1);
  return { current, row };
}

/**
 * An admin's "Send reset link": same link and rules as the person's own request, refused (412) without mail or an
 * email address, and (429) past a few a person an hour.
 */
export async function sendPasswordResetLink(actor: Actor, userId: string, meta: RequestMeta, now = new Date()): Promise<{ message: string; email: string }> {
  const target = await loadUser(db(), actor.accountId, userId);
  assertCanResetPassword(actor, target);
  return write(actor, async (tx, me) => {
    const { current, row } = await resetLinkTarget(tx, me, userId);
    if (!current.email) throw new PreconditionFailed("This person has no email address");
    const status = await mailStatus(tx, actor.accountId);
    assertMailEnabled(status);
    // The person's hourly budget of these mails, whoever sends them (lib/security/limits.ts): not the public one.
    const limit = adminResetLinkLimit();
    const budget = await countWithinLimit(tx, limit, row.id, now);
    if (!budget.within) throw rateLimitRefusal(limit, budget.retryAfterSeconds);
    await issueResetLink(tx, row, current.email, status.publicUrl!, status.brand, now);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.password.reset_link_sent",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(current) },
      meta,
      at: now,
    });
    return { message: `A link to set a new password is on its way to ${current.email}.`, email: current.email };
  });
}

/**
 * The same single-use link, returned instead of mailed: for an operator on
 * the server (`npm run users -- reset-password`) when mail is off, who hands
 * it over themselves. The same rules as the admin's "Send reset link"; the
 * token exists only in the return value.
 */
export async function createPasswordResetLink(actor: Actor, userId: string, meta: RequestMeta, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const target = await loadUser(db(), actor.accountId, userId);
  assertCanResetPassword(actor, target);
  return write(actor, async (tx, me) => {
    const { current, row } = await resetLinkTarget(tx, me, userId);
    const token = await storeResetLink(tx, row, now);
    const expiresAt = new Date(now.getTime() + RESET_LINK_MINUTES * 60_000);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.password.reset_link_created",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(current) },
      details: { expires_at: expiresAt.toISOString() },
      meta,
      at: now,
    });
    return { token, expiresAt };
  });
}

/** Whether a reset link can still be used (the page asks before showing the form). */
export async function resetLinkUsable(token: string, now = new Date()): Promise<boolean> {
  if (!isWellFormedToken(token, TOKEN_PREFIXES.passwordReset)) return false;
  return (await usableReset(digestToken(token), now)) !== null;
}

async function usableReset(digest: string, now: Date, q: Tx | ReturnType<typeof db> = db()) {
  const [reset] = await q
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenDigest, digest), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .limit(1);
  if (!reset) return null;
  const [row] = await q.select().from(users).where(and(eq(users.accountId, reset.accountId), eq(users.id, reset.userId))).limit(1);
  if (!row || row.isBlocked || !isLocal(row)) return null;
  return { reset, row };
}

/**
 * Sets the new password from a link: once, within 30 minutes, for an active local user; every session of
 * the user ends, and so do their personal access tokens and their grants at apps.
 */
export async function resetPasswordWithToken(rawInput: unknown, meta: RequestMeta, now = new Date()): Promise<{ email: string | null }> {
  await consumeRateLimit(passwordResetConfirmLimit(), addressLimitKey(meta.ip));
  const parsed = resetWithTokenSchema.safeParse(rawInput);
  if (!parsed.success) {
    const passwordProblem = parsed.error.issues.find((i) => i.path[0] === "password");
    if (passwordProblem) throw new Invalid("Invalid input", { password: [passwordProblem.message] });
    throw new Invalid(INVALID_RESET_LINK, { token: [INVALID_RESET_LINK] });
  }
  const { token, password } = parsed.data;
  if (!isWellFormedToken(token, TOKEN_PREFIXES.passwordReset)) throw new Invalid(INVALID_RESET_LINK, { token: [INVALID_RESET_LINK] });
  const digest = digestToken(token);
  const found = await usableReset(digest, now);
  if (!found) throw new Invalid(INVALID_RESET_LINK, { token: [INVALID_RESET_LINK] });
  const person = openIdentity(found.row);
  await assertPasswordAllowed(password, person, "password");
  const passwordHash = await hashPassword(password);
  await writeSystem(async (tx) => {
    const again = await usableReset(digest, now, tx);
    if (!again) throw new Invalid(INVALID_RESET_LINK, { token: [INVALID_RESET_LINK] });
    // Used up first: a second use of the same link (even at the same moment) finds it used.
    const used = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tokenDigest, digest), isNull(passwordResets.usedAt)))
      .returning({ userId: passwordResets.userId });
    if (used.length === 0) throw new Invalid(INVALID_RESET_LINK, { token: [INVALID_RESET_LINK] });
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, again.row.id));
    // The link is how a person takes a stolen account back, so it ends what an admin's reset ends: every
    // session, their access tokens and their apps' grants (lib/sessions, lib/tokens, lib/oidc react);
    // mail's reaction sends the "password changed" notice.
    const ended = noneEnded();
    await emit(tx, "user.password_changed", { accountId: again.row.accountId, userId: again.row.id, revokeTokens: true, endAppGrants: true, ended });
    const label = userLabel(person);
    await recordEvent(tx, {
      accountId: again.row.accountId,
      action: "user.password.reset_by_link",
      actor: { type: "user", id: again.row.id, label },
      target: { type: "user", id: again.row.id, label },
      details: { sessions_ended: ended.sessions, tokens_deleted: ended.tokens, ...(await factorsKept(tx, again.row.id)) },
      meta,
      at: now,
    });
  });
  return { email: person.email };
}
