/**
 * What a counted failure writes, said once for both dialects: the rows and the conflict updates of the
 * backoffs' upsert and the lockout's. SQLite runs them as two statements (./sign-in-throttle.ts), PostgreSQL
 * as one (./sign-in-throttle-postgres.ts); the tables (and so the conflict targets) are each dialect's own,
 * the placeholders and values are the same, so the two can't drift apart.
 */
import "server-only";
import { sql } from "drizzle-orm";

/** One more failure for the pair and for the address; placeholders pairKey, ipKey, pairIndex (what was typed), pairFailures, ipFailures, now. */
export const backoffFailureRows = [
  { key: sql.placeholder("pairKey"), emailIndex: sql.placeholder("pairIndex"), failures: sql.placeholder("pairFailures"), lastFailureAt: sql.placeholder("now"), lastThrottledAt: null },
  { key: sql.placeholder("ipKey"), emailIndex: null, failures: sql.placeholder("ipFailures"), lastFailureAt: sql.placeholder("now"), lastThrottledAt: null },
];

/** On a backoff row's key conflict: the counted failures and time; a new failure clears the noted refusal. */
export const backoffFailureUpdate = { failures: sql.raw("excluded.failures"), lastFailureAt: sql.raw("excluded.last_failure_at"), lastThrottledAt: null };

/** The email's lockout row; placeholders accountId, emailIndex, windowStartedAt, failures, lockedUntilMs. */
export const lockoutFailureRow = {
  accountId: sql.placeholder("accountId"),
  emailIndex: sql.placeholder("emailIndex"),
  windowStartedAt: sql.placeholder("windowStartedAt"),
  failures: sql.placeholder("failures"),
  // Raw, not through the column's encoder (which can't take null): epoch milliseconds on both dialects.
  lockedUntil: sql`${sql.placeholder("lockedUntilMs")}`,
};

/** On the (account, email) conflict: the window, its count and its lock as computed by the admission. */
export const lockoutFailureUpdate = {
  windowStartedAt: sql.raw("excluded.window_started_at"),
  failures: sql.raw("excluded.failures"),
  lockedUntil: sql.raw("excluded.locked_until"),
};
