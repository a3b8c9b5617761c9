/**
 * A person changing their own password. The other sessions of the user end;
 * the session that made the change stays signed in. Their access tokens end
 * only when they ask (`revoke_tokens`): automation keeps working by default,
 * and either way the choice is in the activity log.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertNotLimitedToken, assertSelf } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "@/lib/crypto/passwords";
import { emit, noneEnded } from "@/lib/data/effects";
import { write, writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { users, type UserRow } from "@/lib/db/schema";
import { Invalid, NotFound, PreconditionFailed, RateLimited } from "@/lib/errors";
import { assertPasswordAllowed, newPasswordSchema } from "@/lib/passwords/policy";
import { factorsKept } from "@/lib/mfa/records";
import { passwordChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit, minutesToWait } from "@/lib/security/rate-limit";
import { admitAttempt, attemptKeys, recordSignInSuccess, secondsToWait, type AttemptKeys } from "@/lib/security/sign-in-throttle";
import { config } from "@/lib/config";
import { findUserRow, openIdentity, userLabel } from "./records";

export const changePasswordSchema = z.object({
  old_password: z.string({ error: "Current password is required" }).min(1, "Current password is required").max(1024),
  new_password: newPasswordSchema,
  /** Also delete the person's own access tokens. */
  revoke_tokens: z.boolean({ error: "Must be true or false" }).default(false),
});
/** Input form: callers in code may leave revoke_tokens out (false). */
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/**
 * Nothing typed where a proof is asked (the current password, a code from the app): not an attempt. Said at
 * the field; nothing is checked, counted against the guessing limit or recorded as a failed proof.
 */
export class ProofMissing extends Invalid {
  constructor(message: string, field: string) {
    super(message, { [field]: [message] });
  }
}

/**
 * Proof that whoever acts knows the person's current password, before a change to how the account is
 * reached (its password, its email) or to its sign-in factors (lib/mfa/proof.ts). Counted before the check,
 * per person, across every form that asks: this is also a limit on guessing it. And it is a guess like one at
 * the sign-in form, so it counts in the sign-in throttle too (review 43): the growing delay per person and
 * address, the daily cap per person from anywhere (while it holds, a right password is refused here as there),
 * and a right one forgives as at sign-in. Before, a stolen session guessed here 960 times a day beside the form's
 * 100, and the form never saw them. An empty one is no guess (ProofMissing).
 */
export async function assertKnowsCurrentPassword(
  actor: Actor,
  row: UserRow & { passwordHash: string },
  password: string | undefined,
  field: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  if (!password) throw new ProofMissing("Current password is required", field);
  await consumeRateLimit(passwordChangeLimit(), `${actor.accountId}:${row.id}`);
  const keys = signInKeysOf(row, meta);
  const admission = await writeSystem((tx) => admitAttempt(tx, keys, row.accountId, now, config().signIn));
  const wait = secondsToWait(admission, now);
  if (wait > 0) throw tooManyAttempts(wait);
  if (!(await verifyPassword(row.passwordHash, password))) throw wrongCurrentPassword(field);
  await writeSystem((tx) => recordSignInSuccess(tx, keys, row.accountId));
}

/** The keys the sign-in form counts this person's attempts under when they type their email (or username, without one). */
function signInKeysOf(row: UserRow, meta: RequestMeta): AttemptKeys {
  const identity = openIdentity(row);
  return attemptKeys(identity.email || identity.username || row.id, meta.ip);
}

function tooManyAttempts(retryAfterSeconds: number): RateLimited {
  const seconds = Math.max(1, retryAfterSeconds);
  const minutes = minutesToWait(seconds);
  // A lock's wait is a day: "1,440 minutes", as the catalog's plural writes it.
  return new RateLimited(`Too many attempts. Try again in ${minutes.toLocaleString("en")} ${minutes === 1 ? "minute" : "minutes"}.`, seconds).keyed("tooManyAttempts", { minutes });
}

const wrongCurrentPassword = (field: string) => new Invalid("Current password is incorrect", { [field]: ["Current password is incorrect"] });

/**
 * Under the write lock, after a current password was checked outside it (argon2 takes tens of milliseconds):
 * a change, reset or recovery that committed meanwhile wins, so the request is told its password is wrong.
 */
export async function assertPasswordStillCurrent(tx: Tx, userId: string, checkedHash: string, field: string): Promise<void> {
  const [row] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  if (row?.passwordHash !== checkedHash) throw wrongCurrentPassword(field);
}

export async function changeOwnPassword(actor: Actor, userId: string, input: ChangePasswordInput, meta: RequestMeta) {
  assertSelf(actor, userId, "You can only change your own password");
  assertNotLimitedToken(actor, "A token limited to some permissions can't change its owner's password");
  const row = await findUserRow(db(), actor.accountId, userId);
  if (!row) throw new NotFound("User");
  if (!row.passwordHash) {
    throw new PreconditionFailed("This account has no local password; it signs in through an identity provider");
  }
  const checkedHash = row.passwordHash;
  await assertKnowsCurrentPassword(actor, { ...row, passwordHash: checkedHash }, input.old_password, "old_password", meta);
  if (input.new_password === input.old_password) {
    throw new Invalid("Invalid input", { new_password: ["New password must differ from the current one"] });
  }
  const user = openIdentity(row);
  await assertPasswordAllowed(input.new_password, user, "new_password");
  const passwordHash = await hashPassword(input.new_password);
  const revokeTokens = input.revoke_tokens === true;
  await write(actor, async (tx) => {
    // The current password was checked before this transaction: a change, reset or recovery that committed
    // meanwhile wins, or a request checked against the old password would write over the new one.
    const changed = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false })
      .where(and(eq(users.id, userId), eq(users.passwordHash, checkedHash)))
      .returning({ id: users.id });
    if (changed.length === 0) throw wrongCurrentPassword("old_password");
    // Their other sessions end, and their tokens when they asked (lib/sessions, lib/tokens react).
    const keepSessionId = actor.kind === "session" ? actor.sessionId : undefined;
    const ended = noneEnded();
    await emit(tx, "user.password_changed", { accountId: actor.accountId, userId, keepSessionId, revokeTokens, endAppGrants: revokeTokens, ended });
    const label = userLabel(user);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.password.changed",
      actor: { type: "user", id: userId, label },
      target: { type: "user", id: userId, label },
      details: { other_sessions_ended: ended.sessions, revoke_tokens: revokeTokens, tokens_deleted: ended.tokens, ...(await factorsKept(tx, userId)) },
      meta,
    });
  });
}
