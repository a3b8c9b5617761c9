import argon2 from "argon2";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// Review 25: the strangers' lane of the password queue. Real argon2id checks, two slots.
async function freshModules() {
  process.env.PASSWORD_HASH_CONCURRENCY = "2";
  vi.resetModules(); // a fresh config and queue read the setting
  delete (globalThis as { latchkeyPasswordQueue?: unknown }).latchkeyPasswordQueue;
  return { passwords: await import("./passwords"), queue: await import("./password-queue") };
}

describe("the password queue's lanes", () => {
  beforeEach(() => vi.restoreAllMocks());
  afterEach(() => {
    delete process.env.PASSWORD_HASH_CONCURRENCY;
    delete (globalThis as { latchkeyPasswordQueue?: unknown }).latchkeyPasswordQueue;
  });

  it("lets a known browser's check overtake a crowd of strangers' checks, which all still run", async () => {
    const { passwords } = await freshModules();
    const hash = await passwords.hashPassword("correct horse");
    // The order checks start in is the queue's; the order they finish in is the OS scheduler's (CI failed once
    // with the known check finishing 7th on a loaded machine, though it started 3rd). So the test reads starts.
    const realVerify = argon2.verify.bind(argon2);
    const started: string[] = [];
    vi.spyOn(argon2, "verify").mockImplementation((stored, password, ...rest) => {
      started.push(password === "correct horse" ? "known" : "stranger");
      return realVerify(stored, password, ...rest);
    });
    const strangers = Array.from({ length: 24 }, (_, n) => passwords.verifyPassword(hash, `guess ${n}`, "stranger"));
    // The person arrives after the crowd (all of it queued).
    await new Promise((resolve) => setImmediate(resolve));
    expect(await passwords.verifyPassword(hash, "correct horse", "known")).toBe(true);
    expect(await Promise.all(strangers)).toEqual(Array(24).fill(false));
    // Next to start after the two strangers already running: never behind the crowd.
    expect(started.indexOf("known")).toBeLessThanOrEqual(2);
    expect(started).toHaveLength(25);
  });

  it("refuses a stranger's sign-in past 16 per slot at once, before it runs, and takes one again when a place frees", async () => {
    const { queue } = await freshModules();
    const places = queue.STRANGERS_PER_SLOT * 2;
    const releases: (() => void)[] = [];
    const held = Array.from({ length: places }, () =>
      queue.inSignInPlace("stranger", () => new Promise<void>((resolve) => releases.push(resolve))),
    );
    const ran = vi.fn(async () => "ran");
    await expect(queue.inSignInPlace("stranger", ran)).rejects.toBeInstanceOf(queue.StrangerQueueFull);
    expect(ran).not.toHaveBeenCalled();
    // A known browser's sign-in is not counted among them.
    await expect(queue.inSignInPlace("known", ran)).resolves.toBe("ran");

    releases[0]();
    await held[0];
    await expect(queue.inSignInPlace("stranger", ran)).resolves.toBe("ran");
    // A place is given back when the attempt fails, too.
    await expect(queue.inSignInPlace("stranger", async () => Promise.reject(new Error("wrong password")))).rejects.toThrow("wrong password");
    await expect(queue.inSignInPlace("stranger", ran)).resolves.toBe("ran");
    releases.slice(1).forEach((release) => release());
    await Promise.all(held);
  });
});
