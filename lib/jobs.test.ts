import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { enqueue, handleOutbox, outboxIdle, outboxMessage } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { accounts } from "@/lib/db/schema";
import { MAINTENANCE_LEASE, maintenancePass, outboxPass } from "./jobs";

declare module "@/lib/data/outbox" {
  interface OutboxTopics {
    "test.jobs": { n: number };
  }
}

describe("background jobs across replicas", () => {
  it("runs the maintenance pass on one replica at a time, and on another once the holder is gone", async () => {
    const now = Date.now();
    const a = await maintenancePass({ holder: "replica-a", now: new Date(now) });
    expect(a.ran).toBe(true);
    if (a.ran) expect(a.result).toMatchObject({ eventsPruned: 0, rateLimitRowsPruned: 0, outboxRowsPruned: 0 });
    // Replica b's timer fires in between: nothing runs there.
    expect((await maintenancePass({ holder: "replica-b", now: new Date(now + 60_000) })).ran).toBe(false);
    // An hour later a renews…
    expect((await maintenancePass({ holder: "replica-a", now: new Date(now + 3_600_000) })).ran).toBe(true);
    expect((await maintenancePass({ holder: "replica-b", now: new Date(now + 3_600_000 + 60_000) })).ran).toBe(false);
    // …then a stops; b takes over when a's lease has run out.
    expect((await maintenancePass({ holder: "replica-b", now: new Date(now + 3_600_000 + MAINTENANCE_LEASE.ttlMs + 1) })).ran).toBe(true);
  });

  it("runs the periodic outbox pass on one replica; it delivers what the nudge left behind", async () => {
    const accountId = crypto.randomUUID();
    await writeSystem(async (tx) => {
      await tx.insert(accounts).values({ id: accountId });
    });
    let failures = 1;
    const delivered: number[] = [];
    handleOutbox("test.jobs", "test-jobs", async (m) => {
      if (failures-- > 0) throw new Error("not yet");
      delivered.push(m.payload.n);
    });
    const id = await writeSystem((tx) => enqueue(tx, { accountId, topic: "test.jobs", payload: { n: 7 } }));
    await outboxIdle();
    expect(delivered).toEqual([]);
    const later = Date.now() + 3_600_000;
    const [a, b] = await Promise.all([
      outboxPass({ holder: "replica-a", now: new Date(later) }),
      outboxPass({ holder: "replica-b", now: new Date(later) }),
    ]);
    expect([a.ran, b.ran].filter(Boolean)).toHaveLength(1);
    expect(delivered).toEqual([7]);
    expect((await outboxMessage(id))?.status).toBe("delivered");
  });
});
