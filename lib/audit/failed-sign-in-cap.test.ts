/**
 * Failed sign-ins were recorded without bound: attempts from many addresses, each within the sign-in
 * throttle, grew the activity log for ever (its retention keeps everything by default). They live in the
 * account's hash chain, which retention may only shorten from its oldest end, so they can't have a
 * retention of their own without breaking it: past FAILED_SIGN_IN_EVENTS_PER_HOUR (default 500) an
 * account's failures in that hour are counted, not recorded, and one event says so. The chain verifies.
 */
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount, META } from "@/test/factories";
import { FAILED_SIGN_INS_CAPPED, FAILED_SIGN_INS_UNRECORDED } from "./failed-sign-in-cap";
import { runMaintenance } from "@/lib/jobs";
import { recordEvent } from "./record";
import { recordUnrecordedFailedSignIns } from "./unrecorded-sign-ins";
import { verifyChain } from "./verify";

const HOUR = 3_600_000;

beforeEach(async () => {
  await resetRateLimits();
});

/** `n` failed sign-ins for the account at `at`, each as the sign-in code records it (one unit of work each, in batches). */
async function failSignIns(accountId: string, n: number, at: Date): Promise<void> {
  for (let done = 0; done < n; done += 100) {
    await writeSystem(async (tx) => {
      for (let i = done; i < Math.min(n, done + 100); i++) {
        await recordEvent(tx, { accountId, action: "user.login.failed", actor: { type: "anonymous", id: null }, details: { reason: "unknown_email" }, meta: META, at });
      }
    });
  }
}

async function countOf(accountId: string, action: string): Promise<number> {
  const [{ n }] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(activityEvents)
    .where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, action)));
  return Number(n);
}

describe("failed sign-ins recorded per account and hour", () => {
  it("has a bounded default", () => {
    expect(config().failedSignInEventsPerHour).toBe(500);
  });

  it("records the hour's first ones, then one event saying the rest go unrecorded, and the chain still verifies", async () => {
    const cap = config().failedSignInEventsPerHour!;
    const accountId = await createAccount();
    const other = await createAccount();
    const t0 = new Date(Date.now() - 10 * HOUR);
    await failSignIns(accountId, cap + 40, t0);
    expect(await countOf(accountId, "user.login.failed")).toBe(cap);
    expect(await countOf(accountId, FAILED_SIGN_INS_CAPPED)).toBe(1);
    const [capped] = await db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, FAILED_SIGN_INS_CAPPED)));
    expect(typeof capped.details === "string" ? JSON.parse(capped.details) : capped.details).toEqual({ failures_per_hour: cap, recorded_again_from: new Date(t0.getTime() + HOUR).toISOString() });

    // Everything else is still recorded, and another account has its own count.
    await writeSystem((tx) => recordEvent(tx, { accountId, action: "user.login", actor: { type: "user", id: "u1", label: "Ada" }, meta: META, at: t0 }));
    expect(await countOf(accountId, "user.login")).toBe(1);
    await failSignIns(other, 3, t0);
    expect(await countOf(other, "user.login.failed")).toBe(3);

    // The next hour, failures are recorded again, after one event saying how many of the last went unrecorded.
    await failSignIns(accountId, 2, new Date(t0.getTime() + HOUR + 1_000));
    expect(await countOf(accountId, "user.login.failed")).toBe(cap + 2);
    const unrecorded = await db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, FAILED_SIGN_INS_UNRECORDED)));
    expect(unrecorded).toHaveLength(1);
    expect(typeof unrecorded[0].details === "string" ? JSON.parse(unrecorded[0].details) : unrecorded[0].details).toEqual({ unrecorded: 40, until: new Date(t0.getTime() + HOUR).toISOString() });
    const report = await verifyChain(accountId);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(cap + 1 + 1 + 1 + 2);
  });
});

/*
 * Review 11y: the cap was one budget for every failure, so ~500 made-up emails switched recording off for
 * the hour and a password spray against real people that followed was missing from Activity.
 */
describe("failed sign-ins against real people", () => {
  it("are recorded past the cap that failures naming nobody used up", async () => {
    const cap = config().failedSignInEventsPerHour!;
    const accountId = await createAccount();
    const t0 = new Date(Date.now() - 20 * HOUR);
    await failSignIns(accountId, cap + 5, t0);
    await writeSystem(async (tx) => {
      for (let i = 0; i < 30; i++) {
        const who = { type: "user" as const, id: `u${i}`, label: `Person ${i}` };
        await recordEvent(tx, { accountId, action: "user.login.failed", actor: who, target: who, details: { reason: "wrong_password" }, meta: META, at: t0 });
      }
    });
    expect(await countOf(accountId, "user.login.failed")).toBe(cap + 30);
    expect(await countOf(accountId, FAILED_SIGN_INS_CAPPED)).toBe(1);
    // Refusals of a person already locked (or made to wait) are not counted by the lock, so not bounded by it: capped.
    await writeSystem(async (tx) => {
      const who = { type: "user" as const, id: "u0", label: "Person 0" };
      for (const reason of ["locked", "rate_limited"]) await recordEvent(tx, { accountId, action: "user.login.failed", actor: who, target: who, details: { reason }, meta: META, at: t0 });
    });
    expect(await countOf(accountId, "user.login.failed")).toBe(cap + 30);
    expect((await verifyChain(accountId)).ok).toBe(true);
  });
});

/*
 * The count of a capped hour's unrecorded failures was written only by the next capped failure after the hour,
 * read from the cap's counter row; when none came before the maintenance pass pruned that row (an hour after the
 * window), the count was lost. The pass now records it first, and the row's deletion is the one claim.
 */
describe("a capped hour no failure follows", () => {
  async function unrecordedOf(accountId: string) {
    const rows = await db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, FAILED_SIGN_INS_UNRECORDED)));
    return rows.map((row) => ({ actor: [row.actorType, row.actorId], details: typeof row.details === "string" ? JSON.parse(row.details) : row.details }));
  }

  it("is recorded by the maintenance pass with its count, once: a failure after it records no second one", async () => {
    const cap = config().failedSignInEventsPerHour!;
    const accountId = await createAccount();
    const quiet = await createAccount();
    const now = new Date();
    const t0 = new Date(now.getTime() - 3 * HOUR);
    await failSignIns(accountId, cap + 7, t0);
    await failSignIns(quiet, 3, t0);

    // The hour ended two hours ago, with no failure since: the pass would prune its counter.
    await runMaintenance(now);
    const expected = [{ actor: ["system", null], details: { unrecorded: 7, until: new Date(t0.getTime() + HOUR).toISOString() } }];
    expect(await unrecordedOf(accountId)).toEqual(expected);
    // An hour that wasn't capped has nothing to say.
    expect(await unrecordedOf(quiet)).toEqual([]);

    // The next failure, and the next pass, find nothing left to record.
    await failSignIns(accountId, 1, now);
    await runMaintenance(new Date(now.getTime() + 2 * HOUR));
    expect(await unrecordedOf(accountId)).toEqual(expected);
    expect(await countOf(accountId, "user.login.failed")).toBe(cap + 1);
    expect((await verifyChain(accountId)).ok).toBe(true);
  });

  it("is recorded once whether the next failure or the pass claims it first, even when they run at once", async () => {
    const cap = config().failedSignInEventsPerHour!;
    const now = new Date();
    const t0 = new Date(now.getTime() - 2 * HOUR);

    // The failure first: the pass that follows records nothing more.
    const first = await createAccount();
    await failSignIns(first, cap + 3, t0);
    await failSignIns(first, 1, now);
    expect(await recordUnrecordedFailedSignIns(now)).toBe(0);
    expect(await unrecordedOf(first)).toEqual([{ actor: ["system", null], details: { unrecorded: 3, until: new Date(t0.getTime() + HOUR).toISOString() } }]);

    // Both at once (two replicas): one of them gets the row.
    const raced = await createAccount();
    await failSignIns(raced, cap + 4, t0);
    await Promise.all([recordUnrecordedFailedSignIns(now), failSignIns(raced, 1, now), recordUnrecordedFailedSignIns(now), failSignIns(raced, 1, now)]);
    expect(await unrecordedOf(raced)).toHaveLength(1);
    expect((await unrecordedOf(raced))[0].details).toEqual({ unrecorded: 4, until: new Date(t0.getTime() + HOUR).toISOString() });
    expect((await verifyChain(raced)).ok).toBe(true);
  });
});
