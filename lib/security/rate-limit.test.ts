import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { rateLimits } from "@/lib/db/schema";
import { RateLimited } from "@/lib/errors";
import { writeSystem } from "@/lib/data/unit-of-work";
import { assertRateLimitsNotExhausted, consumeRateLimit, countWithinLimit, createRateLimiter, forgiveRateLimit, pruneRateLimits, resetRateLimits, type RateLimit } from "./rate-limit";

const limit = (name: string, points = 3): RateLimit => ({
  name,
  points,
  durationSeconds: 60,
  message: "Too many tries",
  messageFor: (seconds) => `Too many tries. Wait ${seconds} seconds.`,
});

describe("rate limits in the database", () => {
  it("counts across two replicas: each holds its own limiter, the limit is shared", async () => {
    const a = createRateLimiter(limit("test-shared"));
    const b = createRateLimiter(limit("test-shared"));
    await a.consume("203.0.113.1");
    await b.consume("203.0.113.1");
    await a.consume("203.0.113.1");
    const refused = await b.consume("203.0.113.1").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect((refused as RateLimited).message).toMatch(/^Too many tries\. Wait (59|60) seconds\.$/);
    // Another key, and the same key under another limit, count separately.
    await b.consume("203.0.113.2");
    await createRateLimiter(limit("test-other")).consume("203.0.113.1");
  });

  it("keeps the message of a limit without messageFor, and counts concurrent requests exactly", async () => {
    const plain = { ...limit("test-plain", 5), messageFor: undefined };
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => consumeRateLimit(plain, "k")));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(rejected).toHaveLength(3);
    for (const r of rejected) expect(r.reason).toEqual(new RateLimited("Too many tries", 60));
  });

  it("reserves a large limit's points in slices: one write per slice, never more than the limit across replicas", async () => {
    const sliced: RateLimit = { ...limit("test-sliced", 250), reserveInSlices: true };
    const a = createRateLimiter(sliced);
    const b = createRateLimiter(sliced);
    const counted = async () => {
      const [row] = await db().select({ points: rateLimits.points }).from(rateLimits).where(eq(rateLimits.key, "test-sliced:tok"));
      return row?.points;
    };
    await a.consume("tok");
    expect(await counted()).toBe(2); // a slice is 1 % of the limit: this request's point and one held back
    await a.consume("tok");
    expect(await counted()).toBe(2); // served from the slice, no write
    // Two replicas, many requests side by side: exactly the limit succeeds in total.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? a : b).consume("tok")),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(248);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(RateLimited);
    await expect(a.consume("tok")).rejects.toBeInstanceOf(RateLimited);
    await expect(b.consume("tok")).rejects.toBeInstanceOf(RateLimited);
    // A limit under 200 points writes each point, as before.
    const small = createRateLimiter({ ...limit("test-small", 150), reserveInSlices: true });
    await small.consume("k");
    await small.consume("k");
    const [row] = await db().select({ points: rateLimits.points }).from(rateLimits).where(eq(rateLimits.key, "test-small:k"));
    expect(row?.points).toBe(2);
  });

  it("checks without counting: a key that used its points is refused (with the time left), others and unused keys pass", async () => {
    const l = limit("test-check", 2);
    await assertRateLimitsNotExhausted([[l, "198.51.100.7"]]);
    await assertRateLimitsNotExhausted([[l, "198.51.100.7"]]); // checking counts nothing
    await consumeRateLimit(l, "198.51.100.7");
    await assertRateLimitsNotExhausted([[l, "198.51.100.7"]]);
    await consumeRateLimit(l, "198.51.100.7");
    const refused = await assertRateLimitsNotExhausted([[l, "198.51.100.7"]]).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterSeconds).toBeGreaterThanOrEqual(59);
    await assertRateLimitsNotExhausted([[l, "198.51.100.8"]]);
    await assertRateLimitsNotExhausted([[limit("test-check-other", 2), "198.51.100.7"]]);
  });

  it("checks several limits and keys in one read, refusing with the first exhausted one in the order given", async () => {
    const address = limit("test-multi-ip", 1);
    const client = { ...limit("test-multi-client", 1), message: "client used up", messageFor: undefined };
    await assertRateLimitsNotExhausted([[address, "198.51.100.9"], [client, "app-1"]]);
    await consumeRateLimit(client, "app-1");
    const byClient = await assertRateLimitsNotExhausted([[address, "198.51.100.9"], [client, "app-1"]]).catch((err: unknown) => err);
    expect(byClient).toBeInstanceOf(RateLimited);
    expect((byClient as RateLimited).message).toBe("client used up");
    await consumeRateLimit(address, "198.51.100.9");
    const byAddress = await assertRateLimitsNotExhausted([[address, "198.51.100.9"], [client, "app-1"]]).catch((err: unknown) => err);
    expect((byAddress as RateLimited).message).not.toBe("client used up");
    // Other keys of the same limits still pass; so does an empty set of checks.
    await assertRateLimitsNotExhausted([[address, "198.51.100.10"], [client, "app-2"]]);
    await assertRateLimitsNotExhausted([]);
    // More keys than one read takes: the exhausted one is found in a later read.
    const many = ["app-3", "app-4", "app-5", "app-6", "app-7", "app-1"].map((key) => [client, key] as const);
    expect(await assertRateLimitsNotExhausted(many).catch((err: unknown) => err)).toBeInstanceOf(RateLimited);
    await assertRateLimitsNotExhausted(many.slice(0, 5));
  });

  it("gives back a counted guess that was right: one point, never below zero, never to a window that ended", async () => {
    const l = limit("test-forgive", 2);
    const points = async (key: string) => (await db().select({ points: rateLimits.points }).from(rateLimits).where(eq(rateLimits.key, `test-forgive:${key}`)))[0]?.points;
    await consumeRateLimit(l, "198.51.100.20");
    await consumeRateLimit(l, "198.51.100.20");
    await forgiveRateLimit(l, "198.51.100.20");
    expect(await points("198.51.100.20")).toBe(1);
    await forgiveRateLimit(l, "198.51.100.20");
    await forgiveRateLimit(l, "198.51.100.20");
    expect(await points("198.51.100.20")).toBe(0);
    await forgiveRateLimit(l, "198.51.100.21"); // nothing counted: nothing to give
    expect(await points("198.51.100.21")).toBeUndefined();
    await consumeRateLimit(l, "198.51.100.22");
    await writeSystem((tx) => tx.update(rateLimits).set({ expire: Date.now() - 1 }).where(eq(rateLimits.key, "test-forgive:198.51.100.22")));
    await forgiveRateLimit(l, "198.51.100.22");
    expect(await points("198.51.100.22")).toBe(1);
    // A limit reserved in slices hands its points out in memory: there is none to give back.
    await expect(forgiveRateLimit({ ...limit("test-forgive-sliced", 1000), reserveInSlices: true }, "k")).rejects.toThrow(/slices/);
  });

  it("refuses to count inside a unit of work (it would wait for its own transaction)", async () => {
    await expect(writeSystem(() => consumeRateLimit(limit("test-in-uow"), "k"))).rejects.toThrow(/before the unit of work/);
  });

  it("counts within a unit of work (countWithinLimit): a window from the first count, a fresh one after it, pruned like the others", async () => {
    const budget = { name: "test-in-tx", points: 2, durationSeconds: 60 };
    const start = new Date("2030-01-01T00:00:00Z");
    const at = (ms: number) => writeSystem((tx) => countWithinLimit(tx, budget, "person-1", new Date(start.getTime() + ms)));
    expect(await at(0)).toEqual({ within: true, retryAfterSeconds: 60, count: 1 });
    expect((await at(10_000)).within).toBe(true);
    expect(await at(20_000)).toEqual({ within: false, retryAfterSeconds: 40, count: 3 });
    // Another key counts on its own; past the window the count starts again.
    expect((await writeSystem((tx) => countWithinLimit(tx, budget, "person-2", new Date(start.getTime() + 20_000)))).within).toBe(true);
    expect(await at(60_000)).toEqual({ within: true, retryAfterSeconds: 60, count: 1 });
    // A refusal thrown in the same unit of work takes its count back with it.
    await writeSystem(async (tx) => {
      await countWithinLimit(tx, budget, "person-1", new Date(start.getTime() + 61_000));
      throw new Error("refused");
    }).catch(() => undefined);
    expect((await at(62_000)).within).toBe(true);
    expect((await at(63_000)).within).toBe(false);
    expect(await pruneRateLimits(new Date(start.getTime() + 2 * 3_600_000 + 120_000))).toBeGreaterThanOrEqual(2);
    expect(await db().select().from(rateLimits).where(eq(rateLimits.key, "test-in-tx:person-1"))).toEqual([]);
  });

  it("prunes counters that expired over an hour ago, and resets", async () => {
    await consumeRateLimit(limit("test-prune"), "k");
    expect(await pruneRateLimits(new Date())).toBe(0);
    expect(await pruneRateLimits(new Date(Date.now() + 2 * 3_600_000))).toBeGreaterThanOrEqual(1);
    await consumeRateLimit(limit("test-prune"), "k");
    await resetRateLimits();
    expect(await db().select().from(rateLimits)).toHaveLength(0);
  });
});
