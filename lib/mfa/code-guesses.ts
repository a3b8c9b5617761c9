/**
 * The one count of guesses at a person's second factor: the sign-in's second step (a code, a passkey, a set-up
 * code: ./second-step.ts) and the proof before a change that takes a code (./proof.ts: a person without a
 * password, whose session someone may hold). Kept by the sign-in throttle (lib/security/sign-in-throttle.ts), in
 * the database, per person and address for the growing delay and per person from anywhere for the daily cap,
 * so every replica sees one count, a guess in one place is a guess in the other, and only a right code (never a
 * right password) forgives it. An admin's Unlock ends its lock too (lib/users/sign-in-lock.ts). Review 43: the proof counted only in the password change's limit, ten every 15
 * minutes with no daily cap, beside the second step's own: a stolen session got ten times the step's guesses a
 * day, and a right one minted recovery codes, a passkey or a year-long access token.
 */
import "server-only";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { RateLimited } from "@/lib/errors";
import { minutesToWait } from "@/lib/security/rate-limit";
import { admitAttempt, secondFactorAttemptKeys, secondsToWait, type AttemptKeys } from "@/lib/security/sign-in-throttle";

export function codeGuessKeys(userId: string, meta: RequestMeta): AttemptKeys {
  return secondFactorAttemptKeys(userId, meta.ip);
}

/**
 * Counts one guess before it is checked (forgiven by recordSignInSuccess with the same keys), or returns how
 * many seconds the person must wait first (nothing is counted then, and nothing may be checked).
 */
export async function admitCodeGuess(accountId: string, userId: string, meta: RequestMeta, now: Date, limits: SignInLimits): Promise<{ keys: AttemptKeys; waitSeconds: number }> {
  const keys = codeGuessKeys(userId, meta);
  const admission = await writeSystem((tx) => admitAttempt(tx, keys, accountId, now, limits));
  return { keys, waitSeconds: secondsToWait(admission, now) };
}

/** A lock's wait is a day (1,440 minutes): written with the separator the catalog's plural writes, so both read alike. */
export const TOO_MANY_WRONG_CODES = (minutes: number) => `Too many wrong codes. Try again in ${minutes.toLocaleString("en")} ${minutes === 1 ? "minute" : "minutes"}.`;

/** The refusal while the person must wait, for a form or the API (429 with Retry-After), in the person's language. */
export function tooManyWrongCodes(waitSeconds: number): RateLimited {
  const minutes = minutesToWait(waitSeconds);
  return new RateLimited(TOO_MANY_WRONG_CODES(minutes), waitSeconds).keyed("tooManyWrongCodes", { minutes });
}
