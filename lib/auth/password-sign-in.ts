/**
 * Email and password sign-in. Every failure gives the caller the same error
 * and costs the same hashing time, whether the email is unknown, the password
 * wrong, the user blocked or the email locked; the activity log records the
 * real reason. The one different answer is "wait": too many failures from
 * this address for this email (./sign-in-throttle.ts), which happens to
 * unknown and known emails alike.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { config, type SignInLimits } from "@/lib/config";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "@/lib/crypto/passwords";
import { db, writeTransaction, type Tx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { createSession } from "@/lib/sessions/sessions";
import { instanceAccountId } from "@/lib/setup/instance";
import { refreshDirectoryUser } from "@/lib/users/directory";
import { findUserRowsByEmail, openIdentity, userLabel } from "@/lib/users/records";
import type { RequestMeta } from "./actor";
import { admitAttempt, attemptKeys, recordSignInSuccess, type Admission } from "./sign-in-throttle";

export const SIGN_IN_FAILED = "Invalid email or password";

export class SignInFailed extends Error {
  constructor() {
    super(SIGN_IN_FAILED);
  }
}

/** "Too many attempts. Try again in 3 minutes." */
export function waitMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

export class SignInThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(waitMessage(retryAfterSeconds));
  }
}

export type SignedIn = { userId: string; sessionId: string; mustChangePassword: boolean };

type Who = { id: string; label: string };

function recordFailure(
  tx: Tx,
  accountId: string | null,
  reason: string,
  meta: RequestMeta,
  now: Date,
  who?: Who,
  extra?: Record<string, unknown>,
): void {
  if (!accountId) return;
  recordEvent(tx, {
    accountId,
    action: "user.login.failed",
    actor: who ? { type: "user", id: who.id, label: who.label } : { type: "anonymous", id: null },
    target: who ? { type: "user", id: who.id, label: who.label } : undefined,
    details: { reason, ...extra },
    meta,
    at: now,
  });
}

/** A counted failure; when it reached the daily cap, the lock is on record too. */
function failed(accountId: string | null, reason: string, meta: RequestMeta, now: Date, admission: Admission, who?: Who): never {
  writeTransaction((tx) => {
    recordFailure(tx, accountId, reason, meta, now, who);
    if (accountId && who && admission.kind === "proceed" && admission.lockEngaged) {
      recordEvent(tx, {
        accountId,
        action: "user.locked",
        actor: { type: "system", id: null, label: "Sign-in protection" },
        target: { type: "user", id: who.id, label: who.label },
        details: { failures: admission.failuresInWindow, locked_until: admission.lockedUntil?.toISOString() },
        meta,
        at: now,
      });
    }
  });
  throw new SignInFailed();
}

export async function signInWithPassword(
  email: string,
  password: string,
  meta: RequestMeta,
  now = new Date(),
  limits: SignInLimits = config().signIn,
): Promise<SignedIn> {
  const candidates = findUserRowsByEmail(db(), email);
  const row = candidates.length === 1 ? candidates[0] : undefined;
  const accountId = row?.accountId ?? instanceAccountId();
  const identity = row ? openIdentity(row) : null;
  const who = identity ? { id: identity.id, label: userLabel(identity) } : undefined;
  const keys = attemptKeys(email, meta.ip);

  const admission = writeTransaction((tx) => {
    const decision = admitAttempt(tx, keys, accountId, now, limits);
    if (decision.kind === "wait" && decision.firstRefusal) {
      recordFailure(tx, accountId, "rate_limited", meta, now, who, { retry_after_seconds: decision.retryAfterSeconds });
    }
    return decision;
  });
  if (admission.kind === "wait") throw new SignInThrottled(admission.retryAfterSeconds);
  if (admission.kind === "locked") {
    // Not even a right password gets in, and checking it would tell the caller whether it was right.
    await verifyAgainstDummy(password);
    failed(accountId, "locked", meta, now, admission, who);
  }

  if (!row?.passwordHash || !who) {
    await verifyAgainstDummy(password);
    failed(accountId, row ? "no_local_password" : "unknown_email", meta, now, admission, who);
  }
  if (!(await verifyPassword(row.passwordHash, password))) failed(row.accountId, "wrong_password", meta, now, admission, who);
  if (row.isBlocked) failed(row.accountId, "blocked_user", meta, now, admission, who);

  const upgradedHash = needsRehash(row.passwordHash) ? await hashPassword(password) : null;
  const sessionId = writeTransaction((tx) => {
    recordSignInSuccess(tx, keys, row.accountId);
    tx.update(users)
      .set({ lastLoginAt: now, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) })
      .where(eq(users.id, row.id))
      .run();
    const id = createSession(tx, row, meta, now);
    const details = {
      ...(upgradedHash ? { password_hash_upgraded: true } : {}),
      ...(row.mustChangePassword ? { must_change_password: true } : {}),
    };
    recordEvent(tx, {
      accountId: row.accountId,
      action: "user.login",
      actor: { type: "user", id: who.id, label: who.label },
      target: { type: "user", id: who.id, label: who.label },
      details: Object.keys(details).length > 0 ? details : undefined,
      meta,
      at: now,
    });
    return id;
  });
  refreshDirectoryUser(row.accountId, row.id);
  return { userId: row.id, sessionId, mustChangePassword: row.mustChangePassword };
}
