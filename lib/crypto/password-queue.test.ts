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
    const finished: string[] = [];
    const strangers = Array.from({ length: 24 }, (_, n) =>
      passwords.verifyPassword(hash, `guess ${n}`, "stranger").then(() => finished.push(`stranger ${n}`)),
    );
    // The person arrives after the crowd (all of it queued).
    await new Promise((resolve) => setImmediate(resolve));
    const known = passwords.verifyPassword(hash, "correct horse", "known").then((ok) => {
      finished.push("known");
      return ok;
    });
    expect(await known).toBe(true);
    await Promise.all(strangers);
    // Behind at most one round of strangers in the slots' queue (2) and the two running: never behind the crowd.
    expect(finished.indexOf("known")).toBeLessThanOrEqual(4);
    expect(finished).toHaveLength(25);
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
