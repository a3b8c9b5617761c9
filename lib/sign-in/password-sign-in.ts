/**
 * Sign-in on the form: a local user's email or username and password, or, with LDAP on,
 * a directory user's username (or email) and password. Every failure gives
 * the caller the same error and costs the same work: one argon2 verify (real
 * or dummy) and, with LDAP on, one directory lookup, whichever path the
 * identifier takes, whether the email is unknown, the password wrong, the
 * user blocked or the email locked. The activity log records the real reason.
 * The one different answer is "wait": too many failures from this address for
 * this identifier (lib/security/sign-in-throttle.ts), which happens to unknown and known
 * emails alike.
 *
 * A right password for someone with a second factor (or who must set one up)
 * ends in SecondStepRequired instead of a session (lib/mfa/second-step.ts).
 *
 * Which path: an identifier that is the email of a local user with a
 * password is checked here; one that belongs to a directory user, or to
 * nobody, goes to the directory when LDAP is on. Both paths are throttled.
 *
 * A blank identifier or an empty password is no attempt at all (CredentialsMissing): refused before
 * any of that, the same for everyone.
 *
 * Every attempt waits for its password check in lib/crypto/password-queue.ts: from a browser the person named
 * signed in with before, in the short lane; any other in the strangers' lane, which is bounded: when it is
 * full, the attempt is told to wait (SignInThrottled) before the throttle counts or records anything (review 25).
 *
 * On the "confirm it's you" page (`onlyPerson`: lib/sessions/only-person.ts) a right password, local or the
 * directory's, for anyone but the person asked ends in NotThePerson: no session, no second step. A right password
 * is not a guess: the throttle forgets the attempt as it does for any right password, so the person trying again
 * with their own is not kept waiting. Any wrong one fails as it always does, whoever it names.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { config, type SignInLimits } from "@/lib/config";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "@/lib/crypto/passwords";
import { inSignInPlace, StrangerQueueFull, type CheckLane } from "@/lib/crypto/password-queue";
import { isKnownDeviceOf } from "@/lib/mail/reactions";
import { countRateLimitRefusal } from "@/lib/observability/metrics";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { users, type UserRow } from "@/lib/db/schema";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { ExternalSignInRefused, type RefusalReason } from "@/lib/idp/external-sign-in";
import { DirectoryUnavailable } from "@/lib/idp/ldap/directory";
import { DirectoryCredentialsRejected, directoryLookupCover, signInWithDirectory } from "@/lib/idp/ldap/sign-in";
import { ldapSourceRow } from "@/lib/idp/records";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { beginSecondStepIfNeeded, SecondStepRequired } from "@/lib/mfa/second-step";
import { NotThePerson, notThePerson, recordNotThePerson } from "@/lib/sessions/only-person";
import { createSession } from "@/lib/sessions/sessions";
import { instanceAccountId } from "@/lib/instance/account";
import { findUserRow, findUserRowsByIdentifier, openIdentity, userLabel } from "@/lib/users/records";
import type { RequestMeta } from "@/lib/auth/actor";
import { Invalid, type FieldErrors } from "@/lib/errors";
import { IDENTIFIER_REQUIRED, PASSWORD_REQUIRED } from "./sign-in-texts";
import { admitAttempt, attemptKeys, recordSignInSuccess, type Admission, type AttemptKeys } from "@/lib/security/sign-in-throttle";

export const SIGN_IN_FAILED = "Invalid email or password";

export class SignInFailed extends Error {
  constructor() {
    super(SIGN_IN_FAILED);
  }
}

/** The directory vouched for the password, but Latchkey won't let the person in (and may say why). */
export class SignInRefused extends SignInFailed {
  constructor(readonly reason: RefusalReason) {
    super();
  }
}

/** The LDAP directory could not be asked; local users are unaffected. */
export class SignInUnavailable extends SignInFailed {}

/** "Too many attempts. Try again in 3 minutes." */
export function waitMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/**
 * How long a stranger refused for a full strangers' lane is asked to wait (lib/crypto/password-queue.ts): the
 * message rounds up to a minute in any case, and a crowd that fills the lane is rarely gone sooner.
 */
const STRANGERS_RETRY_SECONDS = 60;

export class SignInThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(waitMessage(retryAfterSeconds));
  }
}

/**
 * A sign-in without an identifier or without a password is not an attempt: there is nothing to check, so
 * nothing is looked up, hashed, counted by the throttle or recorded, and everyone gets the same answer.
 * Its field errors are named as the sign-in form's fields ("email" holds the identifier).
 */
export class CredentialsMissing extends Invalid {
  constructor(fieldErrors: FieldErrors) {
    super(Object.values(fieldErrors)[0][0], fieldErrors);
  }
}

/** Throws CredentialsMissing when the identifier is blank or the password empty (see there). */
export function assertCredentialsGiven(identifier: string, password: string): void {
  const missing: FieldErrors = {};
  if (!identifier.trim()) missing.email = [IDENTIFIER_REQUIRED];
  if (!password) missing.password = [PASSWORD_REQUIRED];
  if (Object.keys(missing).length > 0) throw new CredentialsMissing(missing);
}

export type SignedIn = { userId: string; sessionId: string; mustChangePassword: boolean };

type Who = { id: string; label: string };
type LdapSource = NonNullable<Awaited<ReturnType<typeof ldapSourceRow>>>;

/** One attempt's context: who it is about, its throttle keys and what the throttle decided. */
type Attempt = { accountId: string | null; who?: Who; keys: AttemptKeys; admission: Admission; meta: RequestMeta; now: Date; onlyPerson?: string; lane: CheckLane };

async function recordFailure(tx: Tx, attempt: Pick<Attempt, "accountId" | "who" | "meta" | "now">, reason: string, extra?: Record<string, unknown>): Promise<void> {
  const { accountId, who, meta, now } = attempt;
  if (!accountId) return;
  await recordEvent(tx, {
    accountId,
    action: "user.login.failed",
    actor: who ? { type: "user", id: who.id, label: who.label } : { type: "anonymous", id: null },
    target: who ? { type: "user", id: who.id, label: who.label } : undefined,
    details: { reason, ...extra },
    meta,
    at: now,
  });
}

/**
 * A counted failure, on record with its reason; when it reached the daily cap, the lock is on record too.
 * Returns the error for the caller to throw (`throw await failed(…)`), so the compiler sees the path end.
 */
async function failed(attempt: Attempt, reason: string, extra?: Record<string, unknown>, error: SignInFailed = new SignInFailed()): Promise<SignInFailed> {
  const { accountId, who, admission, meta, now } = attempt;
  await writeSystem(async (tx) => {
    await recordFailure(tx, attempt, reason, extra);
    if (accountId && who && admission.kind === "proceed" && admission.lockEngaged) {
      await recordEvent(tx, {
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
  return error;
}

export async function signInWithPassword(
  identifier: string,
  password: string,
  meta: RequestMeta,
  now = new Date(),
  limits: SignInLimits = config().signIn,
  /** The only person this sign-in may be: an app asked them to confirm it's them (lib/sessions/only-person.ts). */
  onlyPerson?: string,
): Promise<SignedIn> {
  assertCredentialsGiven(identifier, password);
  const options = await signInOptions();
  const source = options.ldapEnabled && options.accountId ? await ldapSourceRow(db(), options.accountId) : undefined;
  const ldap = source?.enabled ? source : undefined;
  // usernames: the identifier is an email or a username; one lookup serves both (lib/users/records.ts).
  const candidates = await findUserRowsByIdentifier(db(), identifier);
  const row = candidates.length === 1 ? candidates[0] : undefined;
  const accountId = row?.accountId ?? (await instanceAccountId());
  const identity = row ? openIdentity(row) : undefined;
  const who = row && identity ? { id: row.id, label: userLabel(identity) } : undefined;
  // The daily cap counts the person: their email and their username reach one lock. The delays count what was
  // typed, as they must for an identifier that names nobody, or a delay would tell who exists (review 8a).
  const keys = attemptKeys(identifier, meta.ip, identity ? identity.email || identity.username || identifier : identifier);
  const lane = await checkLaneOf(row, meta.device);
  try {
    return await inSignInPlace(lane, () =>
      admittedSignIn({ accountId, who, keys, meta, now, onlyPerson, lane }, limits, { ldap, row, identifier, password, localLoginEnabled: options.localLoginEnabled }),
    );
  } catch (err) {
    if (!(err instanceof StrangerQueueFull)) throw err;
    countRateLimitRefusal("sign-in-strangers");
    throw new SignInThrottled(STRANGERS_RETRY_SECONDS);
  }
}

/**
 * Which lane of the password queue this sign-in waits in (lib/crypto/password-queue.ts): "known" from a browser
 * the person named has signed in with (its device cookie), "stranger" for anyone else, a name that is nobody's
 * included. The lookup is made whenever a device cookie came, named person or not, so that its time tells
 * nothing about who exists.
 */
async function checkLaneOf(row: UserRow | undefined, device: string | null | undefined): Promise<CheckLane> {
  if (!device) return "stranger";
  return (await isKnownDeviceOf(db(), row?.id ?? "", device)) && row ? "known" : "stranger";
}

type Credentials = { ldap: LdapSource | undefined; row: UserRow | undefined; identifier: string; password: string; localLoginEnabled: boolean };

/** The attempt once it has its place in the password queue: the throttle's admission, then the check. */
async function admittedSignIn(base: Omit<Attempt, "admission">, limits: SignInLimits, credentials: Credentials): Promise<SignedIn> {
  const { accountId, who, keys, meta, now, lane } = base;
  const { ldap, row, identifier, password, localLoginEnabled } = credentials;
  const admission = await writeSystem(async (tx) => {
    const decision = await admitAttempt(tx, keys, accountId, now, limits);
    if (decision.kind === "wait" && decision.firstRefusal) {
      await recordFailure(tx, { accountId, who, meta, now }, "rate_limited", { retry_after_seconds: decision.retryAfterSeconds });
    }
    return decision;
  });
  if (admission.kind === "wait") throw new SignInThrottled(admission.retryAfterSeconds);
  const attempt: Attempt = { ...base, admission };
  if (admission.kind === "locked") {
    // Not even a right password gets in, and checking it would tell the caller whether it was right.
    const cover = ldap ? directoryLookupCover(ldap, identifier.trim()) : Promise.resolve();
    await Promise.all([verifyAgainstDummy(password, lane), cover]);
    throw await failed(attempt, "locked");
  }

  if (ldap && (!row || row.idpId === ldap.id)) {
    return signInThroughDirectory(ldap, row, identifier, password, attempt);
  }
  const cover = ldap ? directoryLookupCover(ldap, identifier.trim()) : Promise.resolve();
  try {
    return await signInLocally(row, password, localLoginEnabled, attempt);
  } finally {
    await cover;
  }
}

async function signInThroughDirectory(
  ldap: LdapSource,
  row: UserRow | undefined,
  identifier: string,
  password: string,
  attempt: Attempt,
): Promise<SignedIn> {
  // A directory user may type their email: the directory knows them by the id (or username) they are bound by.
  const lookup = { typed: identifier.trim(), boundTo: row ? openIdpSubject(row) : null };
  // two-factor: a directory user with a second factor (or who must set one up) gets the same second step as a local one.
  const secondStep = (tx: Tx, user: UserRow, now: Date) => beginSecondStepIfNeeded(tx, user, "ldap", now);
  const [result] = await Promise.allSettled([signInWithDirectory(ldap, lookup, password, attempt.meta, { beforeSession: secondStep, onlyPerson: attempt.onlyPerson }), verifyAgainstDummy(password, attempt.lane)]);
  const directoryAttempt = { ...attempt, accountId: ldap.accountId };
  if (result.status === "fulfilled") {
    await writeSystem((tx) => recordSignInSuccess(tx, attempt.keys, ldap.accountId));
    return { userId: result.value.userId, sessionId: result.value.sessionId, mustChangePassword: false };
  }
  const err = result.reason;
  const someoneElse = err instanceof ExternalSignInRefused && err.reason === "not_the_person";
  if (err instanceof SecondStepRequired || someoneElse) {
    // The password was right: the throttle forgets this identifier's failures, as for a local password. The
    // directory vouching for someone other than the person asked is on record already (signInExternal).
    await writeSystem((tx) => recordSignInSuccess(tx, attempt.keys, ldap.accountId));
    throw someoneElse ? new NotThePerson(err.user) : err;
  }
  if (err instanceof DirectoryCredentialsRejected) throw await failed(directoryAttempt, err.reason, { method: "ldap" });
  if (err instanceof DirectoryUnavailable) {
    console.error(`LDAP sign-in failed: ${err.message}`);
    // The person hears "unavailable"; the owner reads why in the activity log (a certificate refused, say), never a password.
    throw await failed(directoryAttempt, "directory_unavailable", { method: "ldap", directory_error: err.message, ...(err.ref ? { directory_error_ref: err.ref } : {}) }, new SignInUnavailable());
  }
  // Recorded by signInExternal. A blocked user hears what everyone else hears.
  if (err instanceof ExternalSignInRefused) throw err.reason === "blocked_user" ? new SignInFailed() : new SignInRefused(err.reason);
  throw err;
}

async function signInLocally(row: UserRow | undefined, password: string, localLoginEnabled: boolean, attempt: Attempt): Promise<SignedIn> {
  if (!row?.passwordHash || !localLoginEnabled || !attempt.who) {
    await verifyAgainstDummy(password, attempt.lane);
    const reason = !row ? "unknown_email" : !row.passwordHash ? "no_local_password" : "local_sign_in_disabled";
    // An unknown email is nobody's: its failure names no user.
    throw await failed({ ...attempt, who: row ? attempt.who : undefined }, reason);
  }
  const who = attempt.who;
  if (!(await verifyPassword(row.passwordHash, password, attempt.lane))) throw await failed(attempt, "wrong_password");
  if (row.isBlocked) throw await failed(attempt, "blocked_user");

  const upgradedHash = needsRehash(row.passwordHash) ? await hashPassword(password) : null;
  const now = attempt.now;
  const outcome = await writeSystem(async (tx): Promise<SecondStepRequired | NotThePerson | { refused: string } | { sessionId: string; mustChangePassword: boolean }> => {
    // The password was checked against the row as read before this transaction. A change that committed
    // meanwhile wins: a password changed or reset (which ended the person's sessions) or a block must not be
    // followed by a session made with what was checked, nor the old password's rehash written over the new one.
    // The rest of the sign-in goes by the person as they are now (their role decides whether two-factor is due).
    const current = await findUserRow(tx, row.accountId, row.id);
    if (!current) return { refused: "unknown_email" };
    if (current.passwordHash !== row.passwordHash) return { refused: "wrong_password" };
    if (current.isBlocked) return { refused: "blocked_user" };
    await recordSignInSuccess(tx, attempt.keys, row.accountId);
    const someoneElse = await notThePerson(tx, row.accountId, attempt.onlyPerson, current.id);
    if (someoneElse) {
      await recordNotThePerson(tx, row.accountId, someoneElse, {}, attempt.meta, now);
      return someoneElse;
    }
    if (upgradedHash) await tx.update(users).set({ passwordHash: upgradedHash }).where(eq(users.id, row.id));
    // two-factor: a right password alone makes no session when a second step is due (lib/mfa/second-step.ts).
    const secondStep = await beginSecondStepIfNeeded(tx, current, "password", now);
    if (secondStep) return secondStep;
    // The person's last sign-in goes in with the session (one statement with the language).
    const id = await createSession(tx, current, "password", attempt.meta, now, { signedIn: true });
    const details = {
      ...(upgradedHash ? { password_hash_upgraded: true } : {}),
      ...(current.mustChangePassword ? { must_change_password: true } : {}),
    };
    await recordEvent(tx, {
      accountId: row.accountId,
      action: "user.login",
      actor: { type: "user", id: who.id, label: who.label },
      target: { type: "user", id: who.id, label: who.label },
      details: Object.keys(details).length > 0 ? details : undefined,
      meta: attempt.meta,
      at: now,
    });
    return { sessionId: id, mustChangePassword: current.mustChangePassword };
  });
  if (outcome instanceof SecondStepRequired || outcome instanceof NotThePerson) throw outcome;
  if ("refused" in outcome) throw await failed(attempt, outcome.refused);
  return { userId: row.id, ...outcome };
}
