/**
 * The second step of an interactive sign-in (local password or LDAP). When
 * the password was right and the person has a second factor, or must set one
 * up (./policy.ts), no session is created: a pending step is, bound to that
 * browser by a random token in an HttpOnly cookie (only its digest is
 * stored), valid for five minutes and used once. A code from the
 * authenticator app or a recovery code proves it; set-up (for someone who
 * must enrol) proves it too. Only then is the session created, through the
 * same createSession as every other sign-in.
 *
 * Wrong codes are throttled per user like passwords (lib/security/sign-in-throttle.ts,
 * keyed by the user instead of the email); an authenticator code is accepted
 * once (the last used time step is kept).
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, inArray, isNull, lt, ne, or } from "drizzle-orm";
import { Secret } from "otpauth";
import QRCode from "qrcode";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordSignInSuccess, type AttemptKeys } from "@/lib/security/sign-in-throttle";
import { recordEvent } from "@/lib/audit/record";
import { config, type SignInLimits } from "@/lib/config";
import { keyRing } from "@/lib/crypto/keys";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { emit } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { mfaPendingSteps, mfaTotp, users, type Role } from "@/lib/db/schema";
import { notThePerson, recordNotThePerson } from "@/lib/sessions/only-person";
import { Invalid } from "@/lib/errors";
import { createSession } from "@/lib/sessions/sessions";
import { externalSignInMethod, type SecondFactor, type SignInMethod } from "@/lib/sessions/sign-in-method";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { consumeRecoveryCode, looksLikeRecoveryCode, recoveryCodesLeft, replaceRecoveryCodes } from "./recovery-codes";
import { hasFactor, mfaSummary, openTotpSecret, sealTotpSecret, totpRow } from "./records";
import { mustUseTwoFactor } from "./policy";
import { CODE_REQUIRED, STEP_CODE_REQUIRED } from "./proof-texts";
import { acceptedTotpStep, looksLikeTotpCode, totpUri } from "./totp";
import { admitCodeGuess, TOO_MANY_WRONG_CODES } from "./code-guesses";
import { minutesToWait } from "@/lib/security/rate-limit";

export const SECOND_STEP_TTL_MS = 5 * 60_000;
export const SECOND_STEP_COOKIE = "latchkey.second-step";

/** The password step succeeded and a second step is needed: the token goes into the browser's cookie, nowhere else. */
export class SecondStepRequired extends Error {
  constructor(
    readonly token: string,
    readonly enrol: boolean,
  ) {
    super("A second step is needed");
  }
}

/** No pending step for this browser: it expired, was used, or another sign-in replaced it. */
export class SecondStepExpired extends Error {
  constructor() {
    super("Your sign-in timed out. Sign in again.");
  }
}

export const WRONG_CODE = "That code is not right. Try again.";

export class WrongCode extends Error {
  constructor() {
    super(WRONG_CODE);
  }
}

/**
 * No code typed: not an attempt. Nothing is checked, counted by the throttle or recorded; said at the
 * form's "code" field.
 */
export class CodeMissing extends Invalid {
  constructor(message: string = STEP_CODE_REQUIRED) {
    super(message, { code: [message] });
  }
}

function assertCodeGiven(code: string, message?: string): void {
  if (!code.trim()) throw new CodeMissing(message);
}

export class CodeThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(TOO_MANY_WRONG_CODES(minutesToWait(retryAfterSeconds)));
  }
}

type FirstStepUser = { id: string; accountId: string; role: Role };

/**
 * Called in the password step's transaction once the password is right.
 * Returns the pending step's token when a second step is needed, else null
 * (the caller creates the session as before). Earlier pending steps of the
 * person end: a new sign-in restarts the flow.
 */
export async function beginSecondStepIfNeeded(tx: Tx, user: FirstStepUser, method: "password" | "ldap", now: Date): Promise<SecondStepRequired | null> {
  const summary = await mfaSummary(tx, user.id);
  const enrol = !hasFactor(summary);
  if (enrol && !(await mustUseTwoFactor(tx, user, now))) return null;
  await tx.delete(mfaPendingSteps).where(or(eq(mfaPendingSteps.userId, user.id), lt(mfaPendingSteps.expiresAt, now)));
  const token = crypto.randomBytes(32).toString("base64url");
  await tx.insert(mfaPendingSteps).values({
    tokenDigest: digestToken(token),
    accountId: user.accountId,
    userId: user.id,
    method,
    enrol,
    verifiedAt: null,
    expiresAt: new Date(now.getTime() + SECOND_STEP_TTL_MS),
    createdAt: now,
  });
  return new SecondStepRequired(token, enrol);
}

export type PendingRow = typeof mfaPendingSteps.$inferSelect;

/** The pending step for this token, if it is still open (also for ./second-step-passkey.ts). */
export async function pendingRow(q: Tx, token: string, now: Date): Promise<PendingRow | undefined> {
  if (!token || token.length > 100) return undefined;
  const [row] = await q
    .select()
    .from(mfaPendingSteps)
    .where(and(eq(mfaPendingSteps.tokenDigest, digestToken(token)), gt(mfaPendingSteps.expiresAt, now)))
    .limit(1);
  return row;
}

/** What the second-step page shows: whose step, and which ways are open. Never a secret. */
export type PendingStep = { enrol: boolean; verified: boolean; totp: boolean; passkeys: boolean; recoveryCodes: boolean; expiresAt: Date };

export async function pendingStep(token: string | undefined, now = new Date()): Promise<PendingStep | null> {
  const row = token ? await pendingRow(db(), token, now) : undefined;
  if (!row) return null;
  const summary = await mfaSummary(db(), row.userId);
  return {
    enrol: row.enrol,
    verified: row.verifiedAt !== null,
    totp: summary.totp,
    passkeys: summary.passkeys > 0,
    recoveryCodes: summary.recoveryCodesLeft > 0,
    expiresAt: row.expiresAt,
  };
}

export async function who(q: Tx, row: PendingRow) {
  const user = await findUserRow(q, row.accountId, row.userId);
  if (!user || user.isBlocked) return null;
  return { user, label: userLabel(openIdentity(user)) };
}

/**
 * Counts an attempt at the pending step with the person's one count of code guesses (./code-guesses.ts, shared
 * with the proof before a change): wrong codes, set-up codes and refused passkeys alike. Throws CodeThrottled
 * while the person must wait.
 */
export async function admitStepAttempt(step: PendingRow, meta: RequestMeta, now: Date, limits: SignInLimits): Promise<AttemptKeys> {
  const { keys, waitSeconds } = await admitCodeGuess(step.accountId, step.userId, meta, now, limits);
  if (waitSeconds > 0) throw new CodeThrottled(waitSeconds);
  return keys;
}

/** usedRecoveryCode: the step was proven with a recovery code (the landing page says how many are left). */
export type SecondStepSignedIn = { userId: string; sessionId: string; mustChangePassword: boolean; usedRecoveryCode: boolean };

/**
 * On the "confirm it's you" page (`onlyPerson`: lib/sessions/only-person.ts), a pending step of anyone but the
 * person asked is refused (NotThePerson) before its code or passkey is looked at or the attempt counted: only a
 * right password opens a step, so this tells nothing new, and nothing is used up. The step itself stays.
 */
export async function refuseSomeoneElse(step: PendingRow, onlyPerson: string | undefined, meta: RequestMeta, now: Date): Promise<void> {
  const refusal = await notThePerson(db(), step.accountId, onlyPerson, step.userId);
  if (!refusal) return;
  await writeSystem((tx) => recordNotThePerson(tx, step.accountId, refusal, { method: step.method, step: "second_step" }, meta, now));
  throw refusal;
}

type StepPerson = NonNullable<Awaited<ReturnType<typeof who>>>;

/**
 * How a proof went: the factor that proved the step (and what the activity log adds about it), and the session's
 * record of it (sessions.second_factor: lib/sessions/sign-in-method.ts), or null (refused, recorded).
 */
export type StepProof = { factor: string; sessionFactor: SecondFactor; details?: Record<string, unknown> } | null;

/**
 * Proves the pending step in one transaction (a code here, a passkey in ./second-step-passkey.ts): the
 * step and its person are read again, `prove` decides (recording a refusal itself), and a proof forgives
 * the throttle's count and creates the session. Throws SecondStepExpired when the step is gone, and
 * `refused()` when `prove` said no.
 */
export async function proveStep(
  token: string,
  keys: AttemptKeys,
  meta: RequestMeta,
  now: Date,
  prove: (tx: Tx, row: PendingRow, person: StepPerson) => Promise<StepProof>,
  refused: () => Error,
): Promise<SecondStepSignedIn> {
  const outcome = await writeSystem(async (tx) => {
    const row = await pendingRow(tx, token, now);
    const person = row && (await who(tx, row));
    if (!row || !person) return { ok: false as const, expired: true };
    const proof = await prove(tx, row, person);
    if (!proof) return { ok: false as const, expired: false };
    await recordSignInSuccess(tx, keys, row.accountId);
    return { ok: true as const, signedIn: await createSignedIn(tx, row, person, proof.factor, proof.sessionFactor, meta, now, proof.details) };
  });
  if (outcome.ok) return outcome.signedIn;
  if (outcome.expired) throw new SecondStepExpired();
  throw refused();
}

/**
 * Proves the pending step with a code (authenticator or recovery) and creates
 * the session, or, for a step already proven by set-up, just creates it.
 * Wrong codes are counted and recorded, then WrongCode is thrown.
 */
export async function completeSecondStep(
  token: string,
  code: string,
  meta: RequestMeta,
  now = new Date(),
  limits: SignInLimits = config().signIn,
  /** The only person this sign-in may be: an app asked them to confirm it's them (refuseSomeoneElse). */
  onlyPerson?: string,
): Promise<SecondStepSignedIn> {
  const found = await pendingRow(db(), token, now);
  if (!found) throw new SecondStepExpired();
  await refuseSomeoneElse(found, onlyPerson, meta, now);
  if (found.verifiedAt) return finish(token, meta, now, null);
  if (found.enrol) throw new SecondStepExpired();
  assertCodeGiven(code);

  const keys = await admitStepAttempt(found, meta, now, limits);
  return proveStep(token, keys, meta, now, async (tx, row, person) => {
    const factor = await proveWithCode(tx, row, code, now);
    if (!factor) {
      await recordEvent(tx, {
        accountId: row.accountId,
        action: "mfa.code.failed",
        actor: { type: "user", id: row.userId, label: person.label },
        target: { type: "user", id: row.userId, label: person.label },
        details: { reason: "wrong_code", method: row.method },
        meta,
        at: now,
      });
      return null;
    }
    if (factor === "recovery_code") {
      await recordEvent(tx, {
        accountId: row.accountId,
        action: "mfa.recovery_code.used",
        actor: { type: "user", id: row.userId, label: person.label },
        target: { type: "user", id: row.userId, label: person.label },
        details: { recovery_codes_left: await recoveryCodesLeft(tx, row.userId) },
        meta,
        at: now,
      });
    }
    return { factor, sessionFactor: factor === "totp" ? "totp" : "recovery" };
  }, () => new WrongCode());
}

/** "totp" or "recovery_code" when the code proves the person, null otherwise (nothing is used up then). */
async function proveWithCode(tx: Tx, row: PendingRow, code: string, now: Date): Promise<"totp" | "recovery_code" | null> {
  if (looksLikeTotpCode(code)) {
    const totp = await totpRow(tx, row.userId);
    if (!totp?.confirmedAt) return null;
    const step = acceptedTotpStep(openTotpSecret(totp), code, now, totp.lastUsedStep);
    if (step === null) return null;
    // Conditional on the step still being newer: two requests with one code can't both pass.
    const updated = await tx
      .update(mfaTotp)
      .set({ lastUsedStep: step, lastUsedAt: now })
      .where(and(eq(mfaTotp.userId, row.userId), or(isNull(mfaTotp.lastUsedStep), lt(mfaTotp.lastUsedStep, step))))
      .returning({ userId: mfaTotp.userId });
    return updated.length === 1 ? "totp" : null;
  }
  if (looksLikeRecoveryCode(code)) return (await consumeRecoveryCode(tx, row.userId, code, now)) ? "recovery_code" : null;
  return null;
}

async function finish(token: string, meta: RequestMeta, now: Date, factor: "totp" | null): Promise<SecondStepSignedIn> {
  const signedIn = await writeSystem(async (tx) => {
    const row = await pendingRow(tx, token, now);
    const person = row && (await who(tx, row));
    if (!row?.verifiedAt || !person) return null;
    // A factor set up during this sign-in proves no more than the password that opened the step: one factor.
    return createSignedIn(tx, row, person, factor ?? "enrolment", null, meta, now);
  });
  if (!signedIn) throw new SecondStepExpired();
  return signedIn;
}

/** The session's method: the first step's (a directory user's directory is the one they belong to). */
function firstStepMethod(row: PendingRow, user: { idpId: string | null }): SignInMethod {
  return row.method === "ldap" && user.idpId ? externalSignInMethod("ldap", user.idpId) : "password";
}

/**
 * A way in switched off (lib/idp/source-closed.ts, `method` as the sessions it made carry it) ends the pending
 * steps that would make a session through it (firstStepMethod), so a code typed after the switch makes none.
 * Only a directory's first step leads to a pending step; providers and the proxy header make sessions at once.
 */
export async function endPendingStepsThrough(tx: Tx, accountId: string, method: string, sourceId: string): Promise<void> {
  if (method !== externalSignInMethod("ldap", sourceId)) return;
  const sourcesPeople = tx.select({ id: users.id }).from(users).where(and(eq(users.accountId, accountId), eq(users.idpId, sourceId)));
  await tx.delete(mfaPendingSteps).where(and(eq(mfaPendingSteps.accountId, accountId), eq(mfaPendingSteps.method, "ldap"), inArray(mfaPendingSteps.userId, sourcesPeople)));
}

/** The pending step is used up and the session made (with the second factor that proved it, if one did), with the sign-in on record. */
export async function createSignedIn(
  tx: Tx,
  row: PendingRow,
  person: StepPerson,
  factor: string,
  sessionFactor: SecondFactor | null,
  meta: RequestMeta,
  now: Date,
  factorDetails?: Record<string, unknown>,
): Promise<SecondStepSignedIn> {
  const used = await tx.delete(mfaPendingSteps).where(eq(mfaPendingSteps.tokenDigest, row.tokenDigest)).returning({ d: mfaPendingSteps.tokenDigest });
  if (used.length !== 1) throw new SecondStepExpired();
  await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, row.userId));
  const sessionId = await createSession(tx, person.user, firstStepMethod(row, person.user), meta, now, { secondFactor: sessionFactor });
  const party = { type: "user" as const, id: row.userId, label: person.label };
  if (factor !== "enrolment") {
    await recordEvent(tx, { accountId: row.accountId, action: "mfa.factor.used", actor: party, target: party, details: { factor, ...factorDetails }, meta, at: now });
  }
  await recordEvent(tx, {
    accountId: row.accountId,
    action: "user.login",
    actor: party,
    target: party,
    details: {
      method: row.method,
      second_factor: factor,
      ...(person.user.mustChangePassword ? { must_change_password: true } : {}),
    },
    meta,
    at: now,
  });
  return { userId: row.userId, sessionId, mustChangePassword: person.user.mustChangePassword, usedRecoveryCode: factor === "recovery_code" };
}

/* ---------- Set-up during sign-in, for someone who must have a second factor and has none ---------- */

export type EnrolmentSetup = { secret: string; qrCode: string };

/**
 * The step's own authenticator secret: derived from its token (which only that browser holds) under a
 * server key (so the cookie alone doesn't give it away), the same on every reload of the set-up page.
 * Never read back from the stored row: an unconfirmed secret there may be one the person is setting up
 * in Profile meanwhile, and showing it here would hand the person's future factor to whoever holds this
 * step (someone with their password, waiting on the set-up page).
 */
function enrolmentSecret(token: string): string {
  const bytes = crypto.createHmac("sha256", keyRing().totpEnrolmentKey).update(token).digest().subarray(0, 20);
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

/** The authenticator secret the pending person is setting up: this step's own (enrolmentSecret), kept unconfirmed until a code from it arrives. */
export async function startEnrolment(token: string, now = new Date()): Promise<EnrolmentSetup> {
  const found = await pendingRow(db(), token, now);
  if (!found?.enrol || found.verifiedAt) throw new SecondStepExpired();
  const secret = enrolmentSecret(token);
  const label = await writeSystem(async (tx) => {
    const person = await who(tx, found);
    if (!person) return null;
    const existing = await totpRow(tx, found.userId);
    if (existing?.confirmedAt) return null;
    const identity = openIdentity(person.user);
    if (existing && openTotpSecret(existing) === secret) return identity.email ?? (identity.username || identity.name);
    const values = { secretCiphertext: sealTotpSecret(found.userId, secret), confirmedAt: null, lastUsedStep: null, lastUsedAt: null, createdAt: now };
    await tx.insert(mfaTotp).values({ userId: found.userId, accountId: found.accountId, ...values }).onConflictDoUpdate({ target: mfaTotp.userId, set: values });
    return identity.email ?? (identity.username || identity.name);
  });
  if (label === null) throw new SecondStepExpired();
  const qrCode = await QRCode.toDataURL(totpUri(secret, label), { type: "image/png", margin: 1, width: 200, errorCorrectionLevel: "M" });
  return { secret, qrCode };
}

/**
 * The end of setting up a factor during sign-in (the app here, a passkey in
 * ./second-step-enrol-passkey.ts), once the step is proven: the step's
 * attempts forgiven, ten new recovery codes (returned to show once),
 * `mfa.factor.added` with the factor's `details`, and the two-factor-changed
 * effect (the person is told by mail when mail is on, as from Profile).
 */
export async function finishEnrolledStep(tx: Tx, row: PendingRow, label: string, keys: AttemptKeys, details: Record<string, unknown>, meta: RequestMeta, now: Date): Promise<string[]> {
  await recordSignInSuccess(tx, keys, row.accountId);
  const issued = await replaceRecoveryCodes(tx, row.accountId, row.userId, now);
  const party = { type: "user" as const, id: row.userId, label };
  await recordEvent(tx, {
    accountId: row.accountId,
    action: "mfa.factor.added",
    actor: party,
    target: party,
    details: { ...details, recovery_codes_issued: true, during_sign_in: true },
    meta,
    at: now,
  });
  await emit(tx, "user.two_factor_changed", { accountId: row.accountId, userId: row.userId, change: "enabled" });
  return issued;
}

/**
 * Confirms the app with a code from it: the factor is on, the pending step is
 * proven, and the ten recovery codes are returned to show once. The session
 * is made by completeSecondStep afterwards (through Auth.js).
 */
export async function confirmEnrolment(token: string, code: string, meta: RequestMeta, now = new Date(), limits: SignInLimits = config().signIn): Promise<string[]> {
  const found = await pendingRow(db(), token, now);
  if (!found?.enrol || found.verifiedAt) throw new SecondStepExpired();
  assertCodeGiven(code, CODE_REQUIRED);
  const keys = await admitStepAttempt(found, meta, now, limits);
  const codes = await writeSystem(async (tx) => {
    const row = await pendingRow(tx, token, now);
    const person = row && (await who(tx, row));
    const totp = row && (await totpRow(tx, row.userId));
    if (!row || !person || !totp || totp.confirmedAt) return null;
    const step = acceptedTotpStep(openTotpSecret(totp), code, now, null);
    if (step === null) return [] as string[];
    await tx.update(mfaTotp).set({ confirmedAt: now, lastUsedStep: step, lastUsedAt: now }).where(eq(mfaTotp.userId, row.userId));
    await tx.update(mfaPendingSteps).set({ verifiedAt: now }).where(and(eq(mfaPendingSteps.tokenDigest, row.tokenDigest), ne(mfaPendingSteps.enrol, false)));
    return finishEnrolledStep(tx, row, person.label, keys, { factor: "totp" }, meta, now);
  });
  if (codes === null) throw new SecondStepExpired();
  if (codes.length === 0) throw new WrongCode();
  return codes;
}
