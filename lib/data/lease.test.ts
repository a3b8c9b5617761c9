import { describe, expect, it } from "vitest";
import { acquireLease, leaseHolder, processId, releaseLease, withLease } from "./lease";

const MINUTE = 60_000;

describe("leases", () => {
  it("runs the job in one of two holders asking at the same time", async () => {
    let runs = 0;
    const job = async () => {
      runs += 1;
      return "done";
    };
    const outcomes = await Promise.all([
      withLease("test-job", MINUTE, job, { holder: "process-a" }),
      withLease("test-job", MINUTE, job, { holder: "process-b" }),
    ]);
    expect(runs).toBe(1);
    expect(outcomes.filter((o) => o.ran)).toEqual([{ ran: true, result: "done" }]);
  });

  it("keeps the lease with its holder while it is valid: the holder renews, the other is refused", async () => {
    const now = Date.now();
    expect(await acquireLease("test-keep", MINUTE, { holder: "process-a", now: new Date(now) })).toBe(true);
    expect(await acquireLease("test-keep", MINUTE, { holder: "process-b", now: new Date(now + MINUTE / 2) })).toBe(false);
    expect(await acquireLease("test-keep", MINUTE, { holder: "process-a", now: new Date(now + MINUTE / 2) })).toBe(true);
    // Renewed at +30 s: still a's at +80 s.
    expect(await acquireLease("test-keep", MINUTE, { holder: "process-b", now: new Date(now + MINUTE + 20_000) })).toBe(false);
    expect((await leaseHolder("test-keep"))?.holder).toBe("process-a");
  });

  it("gives the lease back after the job when asked, and never gives back another holder's", async () => {
    const ran = await withLease("test-release", MINUTE, async () => (await leaseHolder("test-release"))?.holder, { holder: "process-a", release: true });
    expect(ran).toEqual({ ran: true, result: "process-a" });
    expect(await leaseHolder("test-release")).toBeUndefined();
    // Free again at once: the other holder takes it, and a's late release leaves it with b.
    expect(await acquireLease("test-release", MINUTE, { holder: "process-b" })).toBe(true);
    await releaseLease("test-release", { holder: "process-a" });
    expect((await leaseHolder("test-release"))?.holder).toBe("process-b");
  });

  it("lets another holder take over an expired lease (its holder died)", async () => {
    const now = Date.now();
    let ranIn = "";
    await withLease("test-takeover", MINUTE, async () => void (ranIn = "a"), { holder: "process-a", now: new Date(now) });
    const refused = await withLease("test-takeover", MINUTE, async () => void (ranIn = "b"), { holder: "process-b", now: new Date(now + 1_000) });
    expect(refused.ran).toBe(false);
    expect(ranIn).toBe("a");
    const taken = await withLease("test-takeover", MINUTE, async () => void (ranIn = "b"), { holder: "process-b", now: new Date(now + MINUTE + 1) });
    expect(taken.ran).toBe(true);
    expect(ranIn).toBe("b");
    expect((await leaseHolder("test-takeover"))?.holder).toBe("process-b");
  });

  it("holds leases as this process by default, under one random id per start", async () => {
    expect(processId()).toMatch(/^[0-9a-f-]{36}$/);
    expect((await withLease("test-default", MINUTE, async () => 1)).ran).toBe(true);
    expect((await leaseHolder("test-default"))?.holder).toBe(processId());
  });
});
