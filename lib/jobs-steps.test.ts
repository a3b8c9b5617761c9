/**
 * The maintenance pass runs its steps one after another. Before, the first step that threw ended the pass: a
 * failing activity retention (a locked file, a bad row) meant no session, rate-limit or outbox prune and no
 * key rotation for as long as it kept failing. Now every step runs; the failing one is logged by name and
 * reported in `failed`, and only a step that needs it (the rate-limit prune needs the unrecorded failed
 * sign-ins recorded first, or their count would go with the rows) waits for the next pass.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { accounts, outbox, rateLimits } from "@/lib/db/schema";

const broken = vi.hoisted(() => ({ retention: false, unrecorded: false }));
vi.mock("@/lib/audit/retention", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/audit/retention")>();
  return { ...real, pruneActivity: async (now: Date) => (broken.retention ? Promise.reject(new Error("database is locked")) : real.pruneActivity(now)) };
});
vi.mock("@/lib/audit/unrecorded-sign-ins", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/audit/unrecorded-sign-ins")>();
  return {
    ...real,
    recordUnrecordedFailedSignIns: async (now: Date) => (broken.unrecorded ? Promise.reject(new Error("disk I/O error")) : real.recordUnrecordedFailedSignIns(now)),
  };
});
const { runMaintenance } = await import("@/lib/jobs");

const DAY_MS = 86_400_000;

async function staleRateLimit(now: Date): Promise<string> {
  const key = `test:jobs-steps:${crypto.randomUUID()}`;
  await writeSystem(async (tx) => {
    await tx.insert(rateLimits).values({ key, points: 1, expire: now.getTime() - 2 * 3_600_000 });
  });
  return key;
}
async function oldDeliveredMessage(now: Date): Promise<string> {
  const accountId = crypto.randomUUID();
  const id = crypto.randomUUID();
  const at = new Date(now.getTime() - 8 * DAY_MS);
  await writeSystem(async (tx) => {
    await tx.insert(accounts).values({ id: accountId });
    await tx.insert(outbox).values({ id, accountId, topic: "test.jobs-steps", payload: {}, status: "delivered", attempts: 1, availableAt: at, createdAt: at, deliveredAt: at });
  });
  return id;
}
const rateLimitKept = async (key: string) => (await db().select().from(rateLimits).where(eq(rateLimits.key, key))).length === 1;
const messageKept = async (id: string) => (await db().select().from(outbox).where(eq(outbox.id, id))).length === 1;

describe("the maintenance pass's steps", () => {
  afterEach(() => {
    broken.retention = false;
    broken.unrecorded = false;
    vi.restoreAllMocks();
  });

  it("a failing step is logged and reported, and the steps after it still run", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const now = new Date();
    const key = await staleRateLimit(now);
    const message = await oldDeliveredMessage(now);
    broken.retention = true;
    const result = await runMaintenance(now);
    expect(result.failed).toEqual(["activity retention"]);
    expect(result.skipped).toEqual([]);
    expect(await rateLimitKept(key)).toBe(false);
    expect(await messageKept(message)).toBe(false);
    expect(result.outboxRowsPruned).toBeGreaterThanOrEqual(1);
    expect(errors.mock.calls.some((call) => String(call[0]).includes('"activity retention" failed'))).toBe(true);
  });

  it("the rate-limit prune waits while the unrecorded failed sign-ins can't be recorded; the rest runs", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const now = new Date();
    const key = await staleRateLimit(now);
    const message = await oldDeliveredMessage(now);
    broken.unrecorded = true;
    const result = await runMaintenance(now);
    expect(result.failed).toEqual(["unrecorded failed sign-ins"]);
    expect(result.skipped).toEqual(["rate limits"]);
    expect(await rateLimitKept(key)).toBe(true);
    expect(await messageKept(message)).toBe(false);
    // The next pass that can record them prunes as usual.
    broken.unrecorded = false;
    const next = await runMaintenance(now);
    expect(next.failed).toEqual([]);
    expect(await rateLimitKept(key)).toBe(false);
  });
});
