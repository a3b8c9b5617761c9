/**
 * Sign-in protection: growing delays between failed attempts, and a daily cap
 * per email after which only the end of the window or an admin unlocks it.
 *
 * The design, and why a third party can't keep someone out:
 * - The growing delay is kept per (email, client address) pair: after
 *   SIGNIN_FREE_ATTEMPTS failures in a row from one address for one email,
 *   each next attempt from there must wait SIGNIN_DELAY_SECONDS, doubling per
 *   further failure up to SIGNIN_MAX_DELAY_SECONDS. Someone guessing a
 *   victim's password from elsewhere never delays the victim's own attempts.
 * - Per client address, across all emails, the same growing delay starts after
 *   SIGNIN_IP_FREE_ATTEMPTS failures (password spraying from one address).
 *   Only people behind that same address share it; its memory is one hour.
 *   "Address" here and in the pair is rateLimitAddress's key (./address-key.ts):
 *   an IPv6 client counts as its /64, which one host can rotate through.
 * - Per email, from anywhere, at most SIGNIN_LOCKOUT_FAILURES failures count
 *   per window (SIGNIN_LOCKOUT_WINDOW_HOURS, from the first failure). At the
 *   cap the email is locked until that window ends, or until an admin unlocks
 *   it (Team → Users). Attempts while locked aren't counted, so they can't
 *   stretch it: a third party can keep someone out for at most one window.
 *   This cap is the only per-email lever, and the only one anyone else can pull.
 * - The delays are keyed by what was typed (its blind index: trimmed, NFKC,
 *   case-folded) whether or not it names anyone, so unknown and known emails
 *   and usernames are delayed exactly alike: a run of failures under a
 *   person's email never delays an attempt under their username, as it
 *   couldn't for an identifier that names nobody (review 8a).
 * - The daily cap is kept per person: the sign-in passes the person's email
 *   when the identifier names someone, so their email and username reach one
 *   lock. A locked attempt answers as a wrong password does (same message,
 *   same work), so which identifiers share a lock tells a caller nothing.
 *   Keys are HMACs; no email or address is stored here.
 * - An attempt is counted as a failure before the password is checked and
 *   forgiven on success, so parallel requests can't slip past the limit.
 * Every function takes `now`, so tests move the clock instead of sleeping.
 * Rows are small and pruned by the maintenance job once they no longer matter.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { SignInLimits } from "@/lib/config";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { keyRing } from "@/lib/crypto/keys";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect, type Db, type Tx } from "@/lib/db/database";
import { execute } from "@/lib/db/raw";
import { literalLimit, perTransaction } from "@/lib/db/prepared";
import { signInBackoffs, signInLockouts, users } from "@/lib/db/schema";
import { attemptRowsStatement, countFailuresAndLockStatement, forgiveStatement } from "./sign-in-throttle-postgres";
import { backoffFailureRows, backoffFailureUpdate, lockoutFailureRow, lockoutFailureUpdate } from "./sign-in-throttle-upserts";
import { rateLimitAddress } from "./address-key";

/** A run of address-wide failures is forgotten after an hour without one. */
const IP_MEMORY_MS = 3_600_000;

/**
 * emailIndex: the daily cap's (the person's); typedIndex: the delays' (what was typed), also kept on the
 * pair's row so an admin's unlock finds it by either of the person's identifiers.
 */
export type AttemptKeys = { emailIndex: string; typedIndex: string; pairKey: string; ipKey: string };

export type Admission =
  | { kind: "wait"; retryAfterSeconds: number; firstRefusal: boolean }
  | { kind: "locked"; lockedUntil: Date }
  | { kind: "proceed"; lockEngaged: boolean; failuresInWindow: number; lockedUntil: Date | null };

/** How long a refused attempt must wait, in whole seconds (at least 1); 0 when it may proceed. */
export function secondsToWait(admission: Admission, now: Date): number {
  if (admission.kind === "wait") return admission.retryAfterSeconds;
  if (admission.kind === "locked") return Math.max(1, Math.ceil((admission.lockedUntil.getTime() - now.getTime()) / 1000));
  return 0;
}

function hmac(value: string): string {
  return crypto.createHmac("sha256", keyRing().throttleKey).update(value, "utf8").digest("base64url");
}

/**
 * One attempt's keys: `typed` is what the person typed, `person` (by default the same) what the daily cap
 * counts: the sign-in passes the email of the person the identifier names.
 */
export function attemptKeys(typed: string, ip: string | null, person: string = typed): AttemptKeys {
  const typedIndex = emailBlindIndex(typed);
  const emailIndex = person === typed ? typedIndex : emailBlindIndex(person);
  const address = rateLimitAddress(ip);
  return { emailIndex, typedIndex, pairKey: `pair:${hmac(`${typedIndex}\u0000${address}`)}`, ipKey: `ip:${hmac(address)}` };
}

/**
 * The keys of one person's guesses at their second factor (lib/mfa/code-guesses.ts): counted apart from their
 * password, by their id (which no one types), so a right password never forgives a wrong code.
 */
export function secondFactorAttemptKeys(userId: string, ip: string | null): AttemptKeys {
  return attemptKeys(secondFactorTyped(userId), ip);
}

/** The daily cap's index of that count, for an admin's Unlock and the person's page (lib/users). */
export function secondFactorIndex(userId: string): string {
  return emailBlindIndex(secondFactorTyped(userId));
}

const secondFactorTyped = (userId: string) => `two-factor:${userId}`;

/** The wait after `failures` failures in a row: none for the free ones, then doubling up to the maximum. */
export function delaySeconds(failures: number, free: number, limits: SignInLimits): number {
  if (failures < free) return 0;
  return Math.min(limits.maxDelaySeconds, limits.delaySeconds * 2 ** Math.min(failures - free, 30));
}

type Backoff = typeof signInBackoffs.$inferSelect;

/**
 * The sign-in's throttle statements, built once per unit-of-work tx (lib/db/prepared.ts): every
 * attempt runs them, and Drizzle building them per call cost more than SQLite running them.
 */
const backoffRows = perTransaction((tx) =>
  tx
    .select()
    .from(signInBackoffs)
    .where(inArray(signInBackoffs.key, [sql.placeholder("pairKey"), sql.placeholder("ipKey")]))
    .prepare(),
);

type Lockout = typeof signInLockouts.$inferSelect;

/**
 * What an admission reads: the backoff rows, and on PostgreSQL (with an account) the lockout row too
 * (null: none). `lock` undefined: not read yet (SQLite reads it when needed, as function calls cost
 * nothing there).
 */
type AttemptRows = { found: Backoff[]; lock?: Lockout | null };

async function readAttemptRows(tx: Tx, keys: AttemptKeys, accountId: string | null): Promise<AttemptRows> {
  if (dialect() !== "postgres" || !accountId) return { found: await backoffRows(tx).execute({ pairKey: keys.pairKey, ipKey: keys.ipKey }) };
  const rows = await attemptRowsStatement(tx).execute({ pairKey: keys.pairKey, ipKey: keys.ipKey, accountId, emailIndex: keys.emailIndex });
  const found: Backoff[] = [];
  let lock: Lockout | null = null;
  for (const r of rows) {
    if (r.lock) lock = { accountId, emailIndex: r.key, failures: r.failures, windowStartedAt: r.at, lockedUntil: r.until };
    else found.push({ key: r.key, emailIndex: null, failures: r.failures, lastFailureAt: r.at, lastThrottledAt: r.until });
  }
  return { found, lock };
}

/** The pair's and the address's rows, each only while it is still remembered. */
function backoffs(found: Backoff[], keys: AttemptKeys, pairMemoryMs: number, now: Date): { pair: Backoff | null; address: Backoff | null } {
  const fresh = (key: string, memoryMs: number) => {
    const row = found.find((r) => r.key === key);
    return row && now.getTime() - row.lastFailureAt.getTime() < memoryMs ? row : null;
  };
  return { pair: fresh(keys.pairKey, pairMemoryMs), address: fresh(keys.ipKey, IP_MEMORY_MS) };
}

/**
 * When the row's run lets the next attempt in (0: now). Under the free count never later than now: an
 * attempt reads its clock before it waits for the write lock, so another attempt from the same address
 * (people behind one office's address) may have counted a failure with a later time meanwhile.
 */
function waitUntil(row: Backoff | null, free: number, limits: SignInLimits): number {
  const delay = row ? delaySeconds(row.failures, free, limits) : 0;
  return row && delay > 0 ? row.lastFailureAt.getTime() + delay * 1000 : 0;
}

const countFailuresStatement = perTransaction((tx) =>
  tx.insert(signInBackoffs).values(backoffFailureRows).onConflictDoUpdate({ target: signInBackoffs.key, set: backoffFailureUpdate }).prepare(),
);

/** The values of the backoffs' upsert: one more failure for the pair and for the address (a row past its memory starts again at 1). */
function failureValues(keys: AttemptKeys, pair: Backoff | null, address: Backoff | null, now: Date) {
  return {
    pairKey: keys.pairKey,
    ipKey: keys.ipKey,
    pairIndex: keys.typedIndex,
    pairFailures: (pair?.failures ?? 0) + 1,
    ipFailures: (address?.failures ?? 0) + 1,
    now,
  };
}

const lockRow = perTransaction((tx) =>
  tx
    .select()
    .from(signInLockouts)
    .where(and(eq(signInLockouts.accountId, sql.placeholder("accountId")), eq(signInLockouts.emailIndex, sql.placeholder("emailIndex"))))
    .limit(literalLimit(1))
    .prepare(),
);

const countLockFailure = perTransaction((tx) =>
  tx
    .insert(signInLockouts)
    .values(lockoutFailureRow)
    .onConflictDoUpdate({ target: [signInLockouts.accountId, signInLockouts.emailIndex], set: lockoutFailureUpdate })
    .prepare(),
);

/**
 * Decides whether this attempt may check a password, inside the caller's
 * write transaction. "proceed" and "locked" count the attempt as a failure
 * (forgiven by recordSignInSuccess); "wait" counts nothing.
 */
export async function admitAttempt(tx: Tx, keys: AttemptKeys, accountId: string | null, now: Date, limits: SignInLimits): Promise<Admission> {
  const read = await readAttemptRows(tx, keys, accountId);
  const { pair, address } = backoffs(read.found, keys, limits.lockoutWindowSeconds * 1000, now);
  const blocking = [
    { row: pair, until: waitUntil(pair, limits.freeAttempts, limits) },
    { row: address, until: waitUntil(address, limits.ipFreeAttempts, limits) },
  ].filter((b): b is { row: Backoff; until: number } => b.row !== null && now.getTime() < b.until);
  if (blocking.length > 0) {
    // One activity event per wait, however many requests arrive meanwhile.
    const noted = blocking.every((b) => b.row.lastThrottledAt && b.row.lastThrottledAt >= b.row.lastFailureAt);
    for (const { row } of blocking) await tx.update(signInBackoffs).set({ lastThrottledAt: now }).where(eq(signInBackoffs.key, row.key));
    const until = Math.max(...blocking.map((b) => b.until));
    return { kind: "wait", retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)), firstRefusal: !noted };
  }
  const failureCount = failureValues(keys, pair, address, now);
  if (!accountId) {
    await countFailuresStatement(tx).execute(failureCount);
    return { kind: "proceed", lockEngaged: false, failuresInWindow: 0, lockedUntil: null };
  }

  const windowMs = limits.lockoutWindowSeconds * 1000;
  const lock = read.lock !== undefined ? read.lock : await readLock(tx, accountId, keys);
  const current = lock && now.getTime() < lock.windowStartedAt.getTime() + windowMs ? lock : null;
  if (current?.lockedUntil && current.lockedUntil > now) {
    await countFailuresStatement(tx).execute(failureCount);
    return { kind: "locked", lockedUntil: current.lockedUntil };
  }

  const windowStartedAt = current?.windowStartedAt ?? now;
  const failures = (current?.failures ?? 0) + 1;
  const lockedUntil = failures >= limits.lockoutFailures ? new Date(windowStartedAt.getTime() + windowMs) : null;
  const lockCount = { accountId, emailIndex: keys.emailIndex, windowStartedAt, failures, lockedUntilMs: lockedUntil?.getTime() ?? null };
  if (dialect() === "postgres") {
    await countFailuresAndLockStatement(tx).execute({ ...failureCount, ...lockCount });
  } else {
    await countFailuresStatement(tx).execute(failureCount);
    await countLockFailure(tx).execute(lockCount);
  }
  return { kind: "proceed", lockEngaged: lockedUntil !== null, failuresInWindow: failures, lockedUntil };
}

async function readLock(tx: Tx, accountId: string, keys: AttemptKeys): Promise<Lockout | null> {
  const [lock]: Lockout[] = await lockRow(tx).execute({ accountId, emailIndex: keys.emailIndex });
  return lock ?? null;
}

const forgivePairAndLastAddressFailure = perTransaction((tx) =>
  tx
    .delete(signInBackoffs)
    .where(
      or(
        eq(signInBackoffs.key, sql.placeholder("pairKey")),
        and(eq(signInBackoffs.key, sql.placeholder("ipKey")), lte(signInBackoffs.failures, sql.raw("1"))),
      ),
    )
    .prepare(),
);
const forgiveOneAddressFailure = perTransaction((tx) =>
  tx
    .update(signInBackoffs)
    .set({ failures: sql`${signInBackoffs.failures} - 1` })
    .where(and(eq(signInBackoffs.key, sql.placeholder("ipKey")), gt(signInBackoffs.failures, sql.raw("1"))))
    .prepare(),
);
const forgetLock = perTransaction((tx) =>
  tx
    .delete(signInLockouts)
    .where(and(eq(signInLockouts.accountId, sql.placeholder("accountId")), eq(signInLockouts.emailIndex, sql.placeholder("emailIndex"))))
    .prepare(),
);

/**
 * A correct password: this email's counts and this pair's delay start over; the address forgets this one attempt.
 * No read: the pair's row and an address row down to its last failure go in one delete, a longer run of the
 * address's failures drops by one in SQL, and the lock goes (three statements on SQLite, one on PostgreSQL).
 */
export async function recordSignInSuccess(tx: Tx, keys: AttemptKeys, accountId: string): Promise<void> {
  const values = { pairKey: keys.pairKey, ipKey: keys.ipKey, accountId, emailIndex: keys.emailIndex };
  if (dialect() === "postgres") {
    await forgiveStatement(tx).execute(values);
    return;
  }
  await forgivePairAndLastAddressFailure(tx).execute({ pairKey: keys.pairKey, ipKey: keys.ipKey });
  await forgiveOneAddressFailure(tx).execute({ ipKey: keys.ipKey });
  await forgetLock(tx).execute({ accountId, emailIndex: keys.emailIndex });
}

/** Ends a lock and every delay of one identifier (an admin's Unlock, per email and username). Returns whether it was locked. */
export async function clearSignInLimits(
  tx: Tx,
  accountId: string,
  emailIndex: string,
  now: Date,
): Promise<{ wasLocked: boolean; hadDelays: boolean }> {
  const [lock] = await tx
    .delete(signInLockouts)
    .where(and(eq(signInLockouts.accountId, accountId), eq(signInLockouts.emailIndex, emailIndex)))
    .returning({ lockedUntil: signInLockouts.lockedUntil });
  const delays = await tx.delete(signInBackoffs).where(eq(signInBackoffs.emailIndex, emailIndex)).returning({ key: signInBackoffs.key });
  return { wasLocked: !!lock?.lockedUntil && lock.lockedUntil > now, hadDelays: delays.length > 0 };
}

/**
 * The account's locks holding now, built once per database: every user list asks it, and building it cost more than
 * running it. A lock on an email or username names its user through the join; a second factor's lock (its index is
 * an HMAC of the user's id, which SQL can't compute to join on) comes with no user, matched by ./lockOf.
 */
function locksNowQuery(database: Db) {
  return database
    .select({ userId: users.id, index: signInLockouts.emailIndex, lockedUntil: signInLockouts.lockedUntil })
    .from(signInLockouts)
    // usernames: a person signs in by email or username, and each identifier is throttled by its own index.
    .leftJoin(
      users,
      and(eq(users.accountId, signInLockouts.accountId), or(eq(users.emailIndex, signInLockouts.emailIndex), eq(users.usernameIndex, signInLockouts.emailIndex))),
    )
    // Both dialects store lock ends as epoch milliseconds, so the placeholder takes the number.
    .where(and(eq(signInLockouts.accountId, sql.placeholder("accountId")), gt(signInLockouts.lockedUntil, sql.placeholder("nowMs"))))
    .prepare();
}

const preparedLocksNow = new WeakMap<Db, ReturnType<typeof locksNowQuery>>();

/** The account's sign-in locks holding now (the few locked rows): by user, and the rest by their index. */
export type LocksNow = { byUser: Map<string, Date>; byIndex: Map<string, Date> };

/** The account's sign-in locks holding now, with when each ends (every user list and person's page asks: one query). */
export async function locksNow(accountId: string, now = new Date()): Promise<LocksNow> {
  const database = db();
  let query = preparedLocksNow.get(database);
  if (!query) preparedLocksNow.set(database, (query = locksNowQuery(database)));
  const rows = await query.execute({ accountId, nowMs: now.getTime() });
  const locks: LocksNow = { byUser: new Map(), byIndex: new Map() };
  for (const r of rows) {
    const [map, key] = r.userId ? [locks.byUser, r.userId] : [locks.byIndex, r.index];
    const known = map.get(key);
    if (!known || r.lockedUntil! > known) map.set(key, r.lockedUntil!);
  }
  return locks;
}

/**
 * Until when the person's sign-in is locked (null: it isn't): their email's or username's lock, or their second
 * factor's (wrong codes lock apart from the password: lib/mfa/code-guesses.ts), whichever ends later.
 */
export function lockOf(locks: LocksNow, userId: string): Date | null {
  const signIn = locks.byUser.get(userId) ?? null;
  const secondFactor = locks.byIndex.size > 0 ? (locks.byIndex.get(secondFactorIndex(userId)) ?? null) : null;
  return signIn && secondFactor ? (signIn > secondFactor ? signIn : secondFactor) : (signIn ?? secondFactor);
}

/** Drops rows that no longer change any decision (run by the maintenance job). */
export async function pruneSignInThrottles(now: Date, limits: SignInLimits): Promise<number> {
  const windowAgo = new Date(now.getTime() - limits.lockoutWindowSeconds * 1000);
  return writeSystem(async (tx) => {
    const backoffs = await execute(tx, sql`DELETE FROM ${signInBackoffs} WHERE ${lt(signInBackoffs.lastFailureAt, windowAgo)}`);
    // A window that ended took its lock with it (a lock ends with its window).
    const lockouts = await execute(tx, sql`DELETE FROM ${signInLockouts} WHERE ${lt(signInLockouts.windowStartedAt, windowAgo)}`);
    return backoffs + lockouts;
  });
}
