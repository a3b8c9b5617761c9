import crypto from "node:crypto";
import os from "node:os";
import { describe, expect, it, vi } from "vitest";
import { ConfigError, missingSharedSecrets, readConfig } from "./config";

/** The problems readConfig reports for an environment, or [] when it is valid. */
function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("readConfig", () => {
  it("names the variable, its value and the allowed range in one line", () => {
    expect(problems({ TOKEN_RATE_LIMIT_PER_MINUTE: "100000000" })).toEqual([
      'TOKEN_RATE_LIMIT_PER_MINUTE="100000000" is not valid: it must be a whole number from 1 to 10000000.',
    ]);
  });

  it.each([
    ["SIGNIN_FREE_ATTEMPTS", "0", "from 1 to 1000"],
    ["SESSION_MAX_AGE_HOURS", "twelve", "from 1 to 2160"],
    ["SESSION_ABSOLUTE_MAX_DAYS", "400", "from 1 to 365"],
    ["ACTIVITY_RETENTION_DAYS", "1.5", "from 0 to 36500"],
    ["LDAP_SYNC_INTERVAL_MINUTES", "-5", "from 0 to 10080"],
    ["PORT", "70000", "from 1 to 65535"],
    ["PASSWORD_HASH_CONCURRENCY", "0", "from 1 to 256"],
  ])("refuses %s=%s with one line (%s)", (name, value, range) => {
    const lines = problems({ [name]: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).toContain(range);
  });

  it("checks the LDAP directory every 15 minutes unless told otherwise, and not at all with 0", () => {
    expect(readConfig({}).ldapSyncIntervalMinutes).toBe(15);
    expect(readConfig({ LDAP_SYNC_INTERVAL_MINUTES: "60" }).ldapSyncIntervalMinutes).toBe(60);
    expect(readConfig({ LDAP_SYNC_INTERVAL_MINUTES: "0" }).ldapSyncIntervalMinutes).toBeNull();
  });

  it("refuses a TRUST_PROXY entry that is not an address or range", () => {
    expect(problems({ TRUST_PROXY: "10.0.0.0/8,proxy.local" })[0]).toMatch(/^TRUST_PROXY="10\.0\.0\.0\/8,proxy\.local" is not valid: it must be false, true, or/);
  });

  it.each(["0.0.0.0/0", "10.0.0.0/8,::/0", "::ffff:0:0/0", "::ffff:0.0.0.0/96", "::ffff:0.0.0.0/90"])("refuses TRUST_PROXY=%s: a range of every address lets anyone claim any client address", (value) => {
    const lines = problems({ TRUST_PROXY: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^TRUST_PROXY=".*" is not valid: it must not trust every address/);
  });

  it("still takes public proxy ranges (a CDN's) and single addresses", () => {
    expect(readConfig({ TRUST_PROXY: "173.245.48.0/20, 2400:cb00::/32, 10.0.0.1" }).trustedProxies).toEqual(["173.245.48.0/20", "2400:cb00::/32", "10.0.0.1"]);
  });

  it("refuses a malformed ENCRYPTION_KEY without echoing it", () => {
    const lines = problems({ ENCRYPTION_KEY: "c2hvcnQ=" });
    expect(lines).toEqual(["ENCRYPTION_KEY is not valid: it must be the base64 encoding of exactly 32 bytes."]);
  });

  it.each([
    ["32 zero bytes", Buffer.alloc(32).toString("base64")],
    ["a short pattern repeated", Buffer.from("changeme".repeat(4)).toString("base64")],
  ])("refuses an ENCRYPTION_KEY made by hand (%s) without echoing it, and says how to move off it", (_, key) => {
    const lines = problems({ ENCRYPTION_KEY: key });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ENCRYPTION_KEY is not valid: it must be random bytes, and this one repeats a short pattern/);
    expect(lines[0]).toContain("ENCRYPTION_KEY_PREVIOUS and run npm run rotate-key");
    expect(lines[0]).not.toContain(key);
  });

  it("still reads data under a hand-made key given as ENCRYPTION_KEY_PREVIOUS (the way off it)", () => {
    const weak = Buffer.alloc(32).toString("base64");
    const current = crypto.randomBytes(32).toString("base64");
    expect(readConfig({ ENCRYPTION_KEY: current, ENCRYPTION_KEY_PREVIOUS: weak }).previousEncryptionKeysFromEnv).toEqual([weak]);
  });

  it.each(["s".repeat(32), "changeme".repeat(4)])("refuses an AUTH_SECRET made by hand (%s) without echoing it", (secret) => {
    const lines = problems({ AUTH_SECRET: secret });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^AUTH_SECRET is not valid: it must be random, and this one repeats a few characters/);
    expect(lines[0]).not.toContain(secret);
  });

  it("takes random secrets in every usual spelling", () => {
    for (let i = 0; i < 200; i++) {
      const bytes = crypto.randomBytes(32);
      expect(problems({ ENCRYPTION_KEY: bytes.toString("base64"), AUTH_SECRET: bytes.toString("hex") })).toEqual([]);
      expect(problems({ ENCRYPTION_KEY: bytes.toString("base64url"), AUTH_SECRET: crypto.randomBytes(16).toString("hex") })).toEqual([]);
    }
  });

  it.each(["https://team.example.com@evil.example", "https://user:pass@team.example.com", "https://team.example.com\\@evil.example"])(
    "refuses a PUBLIC_URL with a user name before the host (%s): links would go to another host than they read",
    (value) => {
      expect(problems({ PUBLIC_URL: value })).toEqual([expect.stringMatching(/^PUBLIC_URL=.* is not valid: it must be an http:\/\/ or https:\/\/ address/)]);
    },
  );

  it.each(["https://team.example.com/id", "https://team.example.com/id/", "http://localhost:3000/latchkey"])(
    "refuses a PUBLIC_URL with a path (%s): Latchkey answers at the root of its host, and the issuer's discovery would be looked for under the path",
    (value) => {
      expect(problems({ PUBLIC_URL: value })).toEqual([expect.stringMatching(/^PUBLIC_URL=.* is not valid: it must be an http:\/\/ or https:\/\/ address with no path/)]);
    },
  );

  it("takes a PUBLIC_URL at the root, with or without a trailing slash or a port", () => {
    for (const value of ["https://team.example.com", "https://team.example.com/", "http://127.0.0.1:3000/"]) {
      expect(problems({ PUBLIC_URL: value }), value).toEqual([]);
    }
    expect(readConfig({ PUBLIC_URL: "https://team.example.com/" }).publicUrl).toBe("https://team.example.com");
  });

  it.each(["https://team.example.com\uFF0Fid", "https://team.example.com%2Fid", "https://team.example.com:99999", "https://team<example.com"])(
    "refuses a PUBLIC_URL that is no address at all (%s), though no character of it is a slash (review 33): the provider, links and passkeys would fail on it",
    (value) => {
      expect(problems({ PUBLIC_URL: value })).toEqual([expect.stringMatching(/^PUBLIC_URL=.* is not valid: it must be an http:\/\/ or https:\/\/ address with no path/)]);
    },
  );

  it("reports each bad variable once", () => {
    expect(problems({ SIGNIN_DELAY_SECONDS: "-1.5", SETUP_ATTEMPTS_PER_15_MIN: "lots" })).toHaveLength(2);
  });

  it("takes an empty value as unset", () => {
    const config = readConfig({ PORT: "", TOKEN_RATE_LIMIT_PER_MINUTE: "" });
    expect(config.tokenRateLimitPerMinute).toBe(600);
    expect(config.port).toBe(3000);
  });
});

describe("missingSharedSecrets", () => {
  const KEY = crypto.randomBytes(32).toString("base64");
  const SECRET = crypto.randomBytes(32).toString("base64url");
  const URL = "postgres://latchkey@db.internal:5432/latchkey";

  it("asks nothing on SQLite: the secrets are generated into DATA_DIR", () => {
    expect(missingSharedSecrets(readConfig({}))).toEqual([]);
  });

  it("on PostgreSQL, names each secret not given in the environment, one line each", () => {
    const lines = missingSharedSecrets(readConfig({ DATABASE_URL: URL }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ENCRYPTION_KEY must be set \(with DATABASE_URL every replica/);
    expect(lines[1]).toMatch(/^AUTH_SECRET must be set \(with DATABASE_URL every replica/);
    expect(lines.join("\n")).not.toContain("db.internal");
    expect(missingSharedSecrets(readConfig({ DATABASE_URL: URL, ENCRYPTION_KEY: KEY }))).toEqual([expect.stringMatching(/^AUTH_SECRET must be set/)]);
    expect(missingSharedSecrets(readConfig({ DATABASE_URL: URL, AUTH_SECRET: SECRET }))).toEqual([expect.stringMatching(/^ENCRYPTION_KEY must be set/)]);
    expect(missingSharedSecrets(readConfig({ DATABASE_URL: URL, ENCRYPTION_KEY: KEY, AUTH_SECRET: SECRET }))).toEqual([]);
  });
});

describe("PASSWORD_HASH_CONCURRENCY's default", () => {
  const LOWERED = Symbol.for("latchkey.threadPoolPriority");

  /** The default as lib/config.ts computes it when loaded, with a pool of 8 threads (6 may hash). */
  async function defaultWith(poolLowered: boolean): Promise<number> {
    const holder = globalThis as Record<symbol, unknown>;
    const saved = process.env.UV_THREADPOOL_SIZE;
    process.env.UV_THREADPOOL_SIZE = "8";
    if (poolLowered) holder[LOWERED] = { threads: [1, 2, 3, 4, 5, 6, 7, 8], nice: 10 };
    try {
      vi.resetModules();
      const fresh = await import("./config");
      return fresh.readConfig({}).passwordHashConcurrency;
    } finally {
      delete holder[LOWERED];
      if (saved === undefined) delete process.env.UV_THREADPOOL_SIZE;
      else process.env.UV_THREADPOOL_SIZE = saved;
    }
  }

  it("hashes on every core when the pool runs at lower priority, else leaves the requests one", async () => {
    const cores = os.availableParallelism();
    expect(await defaultWith(true)).toBe(Math.min(cores, 6));
    expect(await defaultWith(false)).toBe(Math.max(1, Math.min(cores - 1, 6)));
  });

  it("is what PASSWORD_HASH_CONCURRENCY says when set", () => {
    expect(readConfig({ PASSWORD_HASH_CONCURRENCY: "3" }).passwordHashConcurrency).toBe(3);
  });
});
