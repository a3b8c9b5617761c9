import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { accounts, outbox } from "@/lib/db/schema";
import { CLAIM_MS, MAX_ATTEMPTS, backoffMs, deliverOutbox, recentOutboxMessages, requeueFailed, enqueue, handleOutbox, outboxIdle, outboxMessage, pruneFinishedOutbox } from "./outbox";
import { writeSystem } from "./unit-of-work";

declare module "./outbox" {
  interface OutboxTopics {
    "test.note": { text: string };
  }
}

const HOUR = 3_600_000;
let accountId: string;
/** What the test handler was given, in order; `failNext` makes it throw that many times. */
let received: string[] = [];
let failNext = 0;
let slowMs = 0;
/** Runs in the handler before it records the message (a test's view of "meanwhile"). */
let meanwhile: ((text: string) => Promise<void>) | undefined;

beforeAll(async () => {
  accountId = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(accounts).values({ id: accountId });
  });
  handleOutbox("test.note", "test-handler", async (message) => {
    if (slowMs) await new Promise((resolve) => setTimeout(resolve, slowMs));
    if (meanwhile) await meanwhile(message.payload.text);
    if (failNext > 0) {
      failNext -= 1;
      throw new Error(`refused ${message.payload.text}`);
    }
    received.push(message.payload.text);
  });
});

beforeEach(async () => {
  await outboxIdle();
  received = [];
  failNext = 0;
  slowMs = 0;
  meanwhile = undefined;
});

async function send(text: string): Promise<string> {
  return writeSystem((tx) => enqueue(tx, { accountId, topic: "test.note", payload: { text } }));
}

describe("outbox", () => {
  it("queues nothing for a unit of work that rolls back", async () => {
    await expect(
      writeSystem(async (tx) => {
        await enqueue(tx, { accountId, topic: "test.note", payload: { text: "rolled back" } });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await outboxIdle();
    expect(await db().select().from(outbox).where(eq(outbox.topic, "test.note"))).toHaveLength(0);
    expect(await deliverOutbox()).toEqual({ delivered: 0, failed: 0 });
    expect(received).toEqual([]);
  });

  it("delivers a committed message once, promptly (the commit nudges a pass)", async () => {
    const id = await send("hello");
    await outboxIdle();
    expect(received).toEqual(["hello"]);
    const row = await outboxMessage(id);
    expect(row?.status).toBe("delivered");
    expect(row?.attempts).toBe(1);
    expect(row?.deliveredAt).toBeInstanceOf(Date);
    // Later passes don't send it again.
    expect(await deliverOutbox({ now: new Date(Date.now() + 24 * HOUR) })).toEqual({ delivered: 0, failed: 0 });
    expect(received).toEqual(["hello"]);
  });

  it("retries a message whose handler threw, after a back-off, and keeps the error meanwhile", async () => {
    failNext = 1;
    const id = await send("retry me");
    await outboxIdle();
    expect(received).toEqual([]);
    let row = await outboxMessage(id);
    expect(row?.status).toBe("pending");
    expect(row?.lastError).toBe("refused retry me");
    expect(row!.availableAt.getTime()).toBeGreaterThan(Date.now());

    // Not due yet: a pass now leaves it alone.
    expect(await deliverOutbox()).toEqual({ delivered: 0, failed: 0 });
    expect(await deliverOutbox({ now: new Date(Date.now() + HOUR) })).toEqual({ delivered: 1, failed: 0 });
    expect(received).toEqual(["retry me"]);
    row = await outboxMessage(id);
    expect(row?.status).toBe("delivered");
    expect(row?.attempts).toBe(2);
    expect(row?.lastError).toBeNull();
  });

  it("gives a message up after MAX_ATTEMPTS tries, keeping the row and its last error", async () => {
    failNext = 1_000;
    const id = await send("never");
    await outboxIdle();
    let later = Date.now();
    for (let attempt = 2; attempt <= MAX_ATTEMPTS + 2; attempt += 1) {
      later += 2 * HOUR;
      await deliverOutbox({ now: new Date(later) });
    }
    const row = await outboxMessage(id);
    expect(row?.status).toBe("failed");
    expect(row?.attempts).toBe(MAX_ATTEMPTS);
    expect(row?.lastError).toBe("refused never");
    expect(received).toEqual([]);
  });

  it("keeps trying for about 24 hours with a growing wait, then gives up; an operator's retry queues it again", async () => {
    const waits = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => backoffMs(i + 1));
    const span = waits.reduce((a, b) => a + b, 0);
    expect(span).toBeGreaterThanOrEqual(23 * HOUR);
    expect(span).toBeLessThanOrEqual(25 * HOUR);
    expect(waits[1]).toBe(2 * waits[0]);
    failNext = 1_000;
    const id = await send("down for a day");
    await outboxIdle();
    let later = Date.now();
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt += 1) {
      later += 2 * HOUR;
      await deliverOutbox({ now: new Date(later) });
    }
    expect((await outboxMessage(id))?.status).toBe("failed");
    failNext = 0;
    const requeued = await writeSystem((tx) => requeueFailed(tx, { accountId, topic: "test.note", id }));
    expect(requeued).toBe(true);
    await outboxIdle();
    const row = await outboxMessage(id);
    expect(row?.status).toBe("delivered");
    expect(received).toEqual(["down for a day"]);
    // Only a failed message is retried, and only in its own account.
    expect(await writeSystem((tx) => requeueFailed(tx, { accountId, topic: "test.note", id }))).toBe(false);
    expect((await recentOutboxMessages(accountId, "test.note", 5)).some((m) => m.id === id)).toBe(true);
  });

  it("delivers a message once when two passes run at the same time", async () => {
    slowMs = 50;
    // One after another: a transaction is one connection, and node-postgres deprecates a query sent while another
    // is still running on it (DeprecationWarning, an error in pg 9).
    const ids = await writeSystem(async (tx) => {
      const queued: string[] = [];
      for (const text of ["a", "b", "c"]) queued.push(await enqueue(tx, { accountId, topic: "test.note", payload: { text } }));
      return queued;
    });
    // Two passes besides the nudged one, all at once.
    const passes = await Promise.all([deliverOutbox(), deliverOutbox()]);
    await outboxIdle();
    expect(received.sort()).toEqual(["a", "b", "c"]);
    expect(passes.reduce((n, p) => n + p.delivered, 0)).toBeLessThanOrEqual(3);
    for (const id of ids) expect((await outboxMessage(id))?.attempts).toBe(1);
  });

  it("delivers a message whose claim expired (its process died mid-delivery) on a later pass", async () => {
    const id = crypto.randomUUID();
    const now = Date.now();
    // What a crashed process leaves: a claimed, undelivered row.
    await writeSystem(async (tx) => {
      await tx.insert(outbox).values({
        id,
        accountId,
        topic: "test.note",
        payload: { text: "orphan" },
        attempts: 1,
        availableAt: new Date(now),
        createdAt: new Date(now),
        claimedUntil: new Date(now + CLAIM_MS),
        claimId: "dead-process",
      });
    });
    expect(await deliverOutbox()).toEqual({ delivered: 0, failed: 0 });
    expect(await deliverOutbox({ now: new Date(now + CLAIM_MS + 1) })).toEqual({ delivered: 1, failed: 0 });
    expect(received).toEqual(["orphan"]);
    expect((await outboxMessage(id))?.attempts).toBe(2);
  });

  it("does not send a message of its batch that another pass took over after the batch's claim ran out", async () => {
    // A pass claims up to a batch at once and sends one message after the other: with a slow mail
    // server the later ones' claims run out before their turn (or a replica whose clock runs ahead
    // sees them run out), and another pass claims and sends them. The first pass must not send them
    // as well.
    const t = Date.now();
    const row = (text: string, at: number) => ({ id: crypto.randomUUID(), accountId, topic: "test.note" as const, payload: { text }, availableAt: new Date(at), createdAt: new Date(at) });
    // Inserted directly: no commit nudges a pass.
    const [first, second] = [row("slow first", t - 2), row("late second", t - 1)];
    await writeSystem(async (tx) => {
      await tx.insert(outbox).values([first, second]);
    });
    let other: Promise<unknown> | undefined;
    meanwhile = async (text) => {
      if (text !== "slow first" || other) return;
      // Still busy with the first message when the batch's claim has run out: another pass, later, takes what is due.
      other = deliverOutbox({ now: new Date(t + CLAIM_MS + 1) });
      await other;
    };
    await deliverOutbox({ now: new Date(t) });
    expect(other).toBeDefined();
    // The other pass sent it; this one, finding its claim taken, left it alone.
    expect(received.filter((text) => text === "late second")).toEqual(["late second"]);
    const stored = await outboxMessage(second.id);
    expect(stored?.status).toBe("delivered");
    expect(stored?.attempts).toBe(2);
  });

  it("prunes delivered messages after a week, never pending ones (failed ones: lib/data/outbox-growth.test.ts)", async () => {
    const delivered = await send("old news");
    await outboxIdle();
    failNext = 1;
    const pending = await send("still trying");
    await outboxIdle();
    const weekLater = new Date(Date.now() + 8 * 24 * HOUR);
    expect(await pruneFinishedOutbox(new Date())).toBe(0);
    expect(await pruneFinishedOutbox(weekLater)).toBeGreaterThanOrEqual(1);
    expect(await outboxMessage(delivered)).toBeUndefined();
    expect((await outboxMessage(pending))?.status).toBe("pending");
  });

  it("refuses a topic nobody handles, and a second handler for a handled topic", async () => {
    await expect(
      writeSystem((tx) => enqueue(tx, { accountId, topic: "test.unhandled" as "test.note", payload: { text: "x" } })),
    ).rejects.toThrow(/No outbox handler/);
    expect(() => handleOutbox("test.note", "another-handler", async () => undefined)).toThrow(/already handled/);
  });
});
