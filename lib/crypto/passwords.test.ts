import argon2 from "argon2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "./passwords";

/**
 * Test vectors from Openwall's crypt_blowfish (wrapper.c), the reference bcrypt
 * implementation, also checked against libxcrypt's crypt(3). $2y$ and $2b$ are the
 * same algorithm as $2a$ for these ASCII passwords.
 */
const OPENWALL_VECTORS: [password: string, hash: string][] = [
  ["U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"],
  ["U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"],
  ["U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"],
  ["U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"],
  ["U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"],
];

/** "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" → its parts. */
function parsePhc(hash: string) {
  const [, id, version, params, salt, digest] = hash.split("$");
  return { id, version, params: Object.fromEntries(params.split(",").map((kv) => kv.split("="))), salt, digest };
}

describe("hashPassword", () => {
  it("makes argon2id hashes at m=19456, t=2, p=1 with a fresh salt", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
    const phc = parsePhc(a);
    expect(phc.id).toBe("argon2id");
    expect(phc.version).toBe("v=19");
    expect(phc.params).toEqual({ m: "19456", t: "2", p: "1" });
    expect(Buffer.from(phc.salt, "base64").length).toBeGreaterThanOrEqual(16);
    expect(parsePhc(b).salt).not.toBe(phc.salt);
    expect(a).not.toContain("correct horse");
  });
});

describe("verifyPassword", () => {
  it("accepts the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse");
    expect(await verifyPassword(hash, "correct horse")).toBe(true);
    expect(await verifyPassword(hash, "correct horsE")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it.each(OPENWALL_VECTORS)("verifies %j against a bcrypt hash made elsewhere (%s)", async (password, hash) => {
    expect(await verifyPassword(hash, password)).toBe(true);
    expect(await verifyPassword(hash, `${password}x`)).toBe(false);
  });

  it.each([
    "",
    "not-a-hash",
    "$2a$05$tooshort",
    "$2a$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
    "$argon2id$v=19$m=19456,t=2,p=1$",
    "$argon2id$v=19$m=19456,t=2,p=1$!!!$???",
    "$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA",
  ])("returns false, without throwing, for the malformed stored hash %j", async (stored) => {
    await expect(verifyPassword(stored, "U*U")).resolves.toBe(false);
  });
});

describe("needsRehash", () => {
  it("is false for a hash at the current parameters", async () => {
    expect(needsRehash(await hashPassword("correct horse"))).toBe(false);
  });

  it("is true for bcrypt hashes", () => {
    for (const [, hash] of OPENWALL_VECTORS) expect(needsRehash(hash)).toBe(true);
  });

  it.each([
    { memoryCost: 4096, timeCost: 2, parallelism: 1 },
    { memoryCost: 19456, timeCost: 1, parallelism: 1 },
    { memoryCost: 19456, timeCost: 2, parallelism: 2 },
  ])("is true for argon2id with other parameters %o", async (params) => {
    const hash = await argon2.hash("correct horse", { type: argon2.argon2id, ...params });
    expect(needsRehash(hash)).toBe(true);
  });

  // argon2.needsRehash compares only version, m, t and p, never the variant;
  // argon2i/argon2d hashes at the current parameters must still be upgraded.
  it("is true for argon2i and argon2d at the current parameters", async () => {
    for (const type of [argon2.argon2i, argon2.argon2d] as const) {
      const hash = await argon2.hash("correct horse", { type, memoryCost: 19456, timeCost: 2, parallelism: 1 });
      expect(needsRehash(hash)).toBe(true);
    }
  });

  it("is true, not a throw, for a malformed hash", () => {
    expect(needsRehash("not-a-hash")).toBe(true);
    expect(needsRehash("")).toBe(true);
  });
});

describe("verifyAgainstDummy", () => {
  it("always fails", async () => {
    await expect(verifyAgainstDummy("latchkey-dummy-password-for-timing")).resolves.toBe(false);
  });
});

describe("the hashing slots", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.PASSWORD_HASH_CONCURRENCY;
  });

  /** Wraps an argon2 function so the test sees how many calls run at the same time. */
  function countInFlight<A extends unknown[], R>(fn: (...args: A) => Promise<R>, counter: { now: number; peak: number }) {
    return async (...args: A): Promise<R> => {
      counter.now += 1;
      counter.peak = Math.max(counter.peak, counter.now);
      try {
        return await fn(...args);
      } finally {
        counter.now -= 1;
      }
    };
  }

  it("runs at most PASSWORD_HASH_CONCURRENCY hashes and verifications at once, and all of them", async () => {
    process.env.PASSWORD_HASH_CONCURRENCY = "2";
    vi.resetModules(); // a fresh config and limiter read the setting
    delete (globalThis as { latchkeyPasswordQueue?: unknown }).latchkeyPasswordQueue;
    const passwords = await import("./passwords");
    const hash = await passwords.hashPassword("correct horse");

    const counter = { now: 0, peak: 0 };
    const realHash = argon2.hash.bind(argon2);
    const realVerify = argon2.verify.bind(argon2);
    vi.spyOn(argon2, "hash").mockImplementation(countInFlight(realHash, counter) as typeof argon2.hash);
    vi.spyOn(argon2, "verify").mockImplementation(countInFlight(realVerify, counter));

    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => passwords.hashPassword("another password")),
      ...Array.from({ length: 4 }, () => passwords.verifyPassword(hash, "correct horse")),
      ...Array.from({ length: 4 }, () => passwords.verifyAgainstDummy("wrong")),
    ]);

    expect(counter.peak).toBe(2);
    expect(results.slice(4, 8)).toEqual([true, true, true, true]);
    expect(results.slice(8)).toEqual([false, false, false, false]);
  });

  it("are the process's: two copies of the module (Next.js's separate bundles) share them", async () => {
    process.env.PASSWORD_HASH_CONCURRENCY = "2";
    vi.resetModules();
    delete (globalThis as { latchkeyPasswordQueue?: unknown }).latchkeyPasswordQueue;
    const first = await import("./passwords");
    vi.resetModules(); // the second bundle's copy of the module
    const second = await import("./passwords");
    expect(second).not.toBe(first);
    const hash = await first.hashPassword("correct horse");

    const counter = { now: 0, peak: 0 };
    const realVerify = argon2.verify.bind(argon2);
    vi.spyOn(argon2, "verify").mockImplementation(countInFlight(realVerify, counter));
    const results = await Promise.all([
      ...Array.from({ length: 3 }, () => first.verifyPassword(hash, "correct horse")),
      ...Array.from({ length: 3 }, () => second.verifyPassword(hash, "correct horse")),
    ]);
    expect(counter.peak).toBe(2);
    expect(results).toEqual([true, true, true, true, true, true]);
  });
});
