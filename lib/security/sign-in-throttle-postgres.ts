/**
 * The sign-in throttle's statements on PostgreSQL (./sign-in-throttle.ts decides; these only read and
 * write). An admission and a success each run under the instance's write lock, where every round trip
 * is time every other writer waits: here the admission reads its rows in one statement and writes them
 * in one (6 round trips → 4 with BEGIN and COMMIT), and a success forgives in one (5 → 3). SQLite runs
 * the separate statements in ./sign-in-throttle.ts: function calls there, nothing to gain.
 */
import "server-only";
import { and, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { perTransaction } from "@/lib/db/prepared";
import { signInBackoffs, signInLockouts } from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema.pg";
import { backoffFailureRows, backoffFailureUpdate, lockoutFailureRow, lockoutFailureUpdate } from "./sign-in-throttle-upserts";

/**
 * PostgreSQL: the pair's and the address's backoff rows and the email's lockout row in one statement.
 * An admission runs under the instance's write lock, where every round trip is time every other writer
 * waits; read one after the other they were two. Rows of both tables in one shape: `lock` tells them
 * apart, `at` is the last failure (a backoff) or the window's start (the lockout), `until` the last
 * refusal noted (a backoff) or the lock's end (the lockout).
 */
export const attemptRowsStatement = perTransaction((tx) => {
  const backoffs = tx
    .select({ lock: sql<boolean>`false`, key: signInBackoffs.key, failures: signInBackoffs.failures, at: signInBackoffs.lastFailureAt, until: signInBackoffs.lastThrottledAt })
    .from(signInBackoffs)
    .where(inArray(signInBackoffs.key, [sql.placeholder("pairKey"), sql.placeholder("ipKey")]));
  const lockout = tx
    .select({ lock: sql<boolean>`true`, key: signInLockouts.emailIndex, failures: signInLockouts.failures, at: signInLockouts.windowStartedAt, until: signInLockouts.lockedUntil })
    .from(signInLockouts)
    .where(and(eq(signInLockouts.accountId, sql.placeholder("accountId")), eq(signInLockouts.emailIndex, sql.placeholder("emailIndex"))));
  return backoffs.unionAll(lockout).prepare();
});

/**
 * PostgreSQL: the backoffs' upsert and the lockout's in one statement (the first a data-modifying CTE,
 * which PostgreSQL runs exactly once whether or not the statement reads it): one round trip under the
 * write lock instead of two. The same rows and values as countFailuresStatement then countLockFailure
 * (./sign-in-throttle-upserts.ts says them once for both).
 */
export const countFailuresAndLockStatement = perTransaction((tx) => {
  // Tx is typed with SQLite's builders; on PostgreSQL it is pg-core's database, with its schema's tables.
  const pgTx = tx as unknown as NodePgDatabase;
  const { signInBackoffs: backoffTable, signInLockouts: lockoutTable } = pgSchema;
  const counted = pgTx.$with("counted").as(
    pgTx.insert(backoffTable).values(backoffFailureRows).onConflictDoUpdate({ target: backoffTable.key, set: backoffFailureUpdate }).returning({ key: backoffTable.key }),
  );
  return pgTx
    .with(counted)
    .insert(lockoutTable)
    .values(lockoutFailureRow)
    .onConflictDoUpdate({ target: [lockoutTable.accountId, lockoutTable.emailIndex], set: lockoutFailureUpdate })
    .prepare("latchkey_sign_in_count_failures_and_lock");
});

/**
 * PostgreSQL: the three statements below in one (two data-modifying CTEs and the lock's delete), one round
 * trip under the write lock instead of three. Every part sees the statement's one snapshot, and the
 * address's row is deleted (down to its last failure) or lowered (a longer run), never both.
 */
export const forgiveStatement = perTransaction((tx) => {
  const pgTx = tx as unknown as NodePgDatabase;
  const { signInBackoffs: backoffTable, signInLockouts: lockoutTable } = pgSchema;
  const forgiven = pgTx.$with("forgiven").as(
    pgTx
      .delete(backoffTable)
      .where(or(eq(backoffTable.key, sql.placeholder("pairKey")), and(eq(backoffTable.key, sql.placeholder("ipKey")), lte(backoffTable.failures, sql.raw("1")))))
      .returning({ key: backoffTable.key }),
  );
  const lowered = pgTx.$with("lowered").as(
    pgTx
      .update(backoffTable)
      .set({ failures: sql`${backoffTable.failures} - 1` })
      .where(and(eq(backoffTable.key, sql.placeholder("ipKey")), gt(backoffTable.failures, sql.raw("1"))))
      .returning({ key: backoffTable.key }),
  );
  return pgTx
    .with(forgiven, lowered)
    .delete(lockoutTable)
    .where(and(eq(lockoutTable.accountId, sql.placeholder("accountId")), eq(lockoutTable.emailIndex, sql.placeholder("emailIndex"))))
    .prepare("latchkey_sign_in_forgive");
});
