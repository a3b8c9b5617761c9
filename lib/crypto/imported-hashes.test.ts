import { afterEach, describe, expect, it, vi } from "vitest";
import { AUTHENTIK, KEYCLOAK } from "@/test/imported-hash-vectors/vectors";
import { IMPORTED_HASH_LIMITS, importedHashKind } from "./imported-hashes";
import { needsRehash, verifyPassword } from "./passwords";

/*
 * r42: Keycloak's and Authentik's password hashes (PBKDF2; Keycloak's argon2) verify, within bounds, and a
 * malformed one fails without a crash. The hashes are made by the JDK, BouncyCastle and Django
 * (test/imported-hash-vectors/vectors.ts), never by the code under test.
 */

const problemOf = (hash: string) => {
  const kind = importedHashKind(hash);
  expect(kind, hash).toHaveProperty("problem");
  const { problem } = kind as { problem: string };
  // Never the hash: neither its salt nor its key.
  const parts = hash.includes("$") ? hash.split("$").filter(Boolean).slice(1).slice(-2) : [hash];
  for (const part of parts.filter((p) => p.length >= 8)) expect(problem).not.toContain(part);
  return problem;
};

/** A PHC-form PBKDF2 string with a salt of `saltBytes` and a key of `keyBytes` (zeros: their values don't matter here). */
const phcPbkdf2 = (digest: string, params: string, saltBytes = 16, keyBytes = 32) =>
  `$pbkdf2-${digest}$${params}$${Buffer.alloc(saltBytes, 7).toString("base64").replace(/=+$/, "")}$${Buffer.alloc(keyBytes, 9).toString("base64").replace(/=+$/, "")}`;

describe("Keycloak's PBKDF2 credentials, in the PHC form the documented jq command writes", () => {
  it.each([
    ["pbkdf2-sha256, 27,500 iterations, a 64-byte key (Keycloak before 24)", KEYCLOAK.keycloakSha256],
    ["pbkdf2-sha256 with a 32-byte key (older exports)", KEYCLOAK.keycloakSha256Short],
    ["pbkdf2-sha512, 210,000 iterations (Keycloak 24+)", KEYCLOAK.keycloakSha512],
    ["pbkdf2 (SHA-1) of a password shorter than 14 characters, NUL-padded by the provider", KEYCLOAK.keycloakSha1ShortPassword],
    ["pbkdf2-sha256 of a non-ASCII password", KEYCLOAK.keycloakNonAscii],
  ])("%s: imported as pbkdf2, verifies the password and nothing else, and is due for a rehash", async (_, credential) => {
    expect(importedHashKind(credential.phc)).toEqual({ kind: "pbkdf2" });
    expect(await verifyPassword(credential.phc, credential.password)).toBe(true);
    expect(await verifyPassword(credential.phc, `${credential.password}x`)).toBe(false);
    expect(await verifyPassword(credential.phc, credential.password.slice(0, -1))).toBe(false);
    expect(await verifyPassword(credential.phc, "")).toBe(false);
    expect(needsRehash(credential.phc)).toBe(true);
  });

  it("takes an l= that matches the key, and refuses one that doesn't", async () => {
    const [, , params, salt, key] = KEYCLOAK.keycloakSha512.phc.split("$");
    const withLength = `$pbkdf2-sha512$${params},l=64$${salt}$${key}`;
    expect(importedHashKind(withLength)).toEqual({ kind: "pbkdf2" });
    expect(await verifyPassword(withLength, KEYCLOAK.keycloakSha512.password)).toBe(true);
    expect(problemOf(`$pbkdf2-sha512$${params},l=32$${salt}$${key}`)).toBe("this PBKDF2 hash says l=32 but its key is 64 bytes");
  });
});

describe("Keycloak's argon2 credentials (Keycloak 25+), as PHC strings", () => {
  it.each([
    ["argon2id v1.3 at Keycloak's defaults (m=7168, t=5, p=1)", KEYCLOAK.keycloakArgon2],
    ["argon2id v1.0 (v=16), which node-argon2 verifies as BouncyCastle makes it", KEYCLOAK.keycloakArgon2v10],
    ["argon2i, p=2, a non-ASCII password", KEYCLOAK.keycloakArgon2iNonAscii],
  ])("%s: imported as argon2 and verified", async (_, credential) => {
    expect(importedHashKind(credential.phc)).toEqual({ kind: "argon2" });
    expect(await verifyPassword(credential.phc, credential.password)).toBe(true);
    expect(await verifyPassword(credential.phc, `${credential.password}x`)).toBe(false);
    expect(needsRehash(credential.phc)).toBe(true);
  });

  it("refuses another argon2 version with a message saying which it takes", () => {
    const v18 = KEYCLOAK.keycloakArgon2.phc.replace("$v=19$", "$v=18$");
    expect(problemOf(v18)).toMatch(/^this argon2 hash is malformed or not version 19 or 16; Latchkey verifies/);
  });
});

describe("Authentik's (Django's) pbkdf2_sha256", () => {
  it.each([
    ["a hash from Django's make_password", AUTHENTIK.pbkdf2],
    ["a non-ASCII password", AUTHENTIK.nonAscii],
  ])("%s: imported as pbkdf2 and verified", async (_, { hash, password }) => {
    expect(importedHashKind(hash)).toEqual({ kind: "pbkdf2" });
    expect(await verifyPassword(hash, password)).toBe(true);
    expect(await verifyPassword(hash, `${password} `)).toBe(false);
    expect(needsRehash(hash)).toBe(true);
  });

  it("refuses Django's pbkdf2_sha1 (not Authentik's) and an unusable password, saying why", () => {
    expect(problemOf(AUTHENTIK.pbkdf2Sha1.hash)).toContain("this is Django's pbkdf2_sha1 form, which neither Authentik nor Django writes by default");
    expect(problemOf(AUTHENTIK.unusable.hash)).toContain("mark of a person without a usable password: leave the row out and invite them");
  });
});

describe("the bounds on an imported PBKDF2 hash", () => {
  const { pbkdf2Work, pbkdf2Iterations } = IMPORTED_HASH_LIMITS;

  it("takes the costliest defaults (Keycloak's pbkdf2-sha256 at 600,000 with a 64-byte key, Django's 1,000,000)", () => {
    expect(importedHashKind(phcPbkdf2("sha256", "i=600000", 16, 64))).toEqual({ kind: "pbkdf2" });
    expect(importedHashKind(`pbkdf2_sha256$1000000$Zq8xKmY2pLr4TbNw0sVh1e$${Buffer.alloc(32, 1).toString("base64")}`)).toEqual({ kind: "pbkdf2" });
  });

  it.each([
    ["too few iterations", phcPbkdf2("sha256", "i=999"), `a PBKDF2 hash's iterations must be at least ${pbkdf2Iterations.min} (this one's are 999)`],
    ["work over the bound", phcPbkdf2("sha256", "i=1000001", 16, 64), `a PBKDF2 hash's cost (iterations × the key's sha256 blocks) must be at most ${pbkdf2Work} (this one's is 2000002)`],
    ["Keycloak's SHA-1 at its 1,300,000 iterations", phcPbkdf2("sha1", "i=1300000", 16, 64), "(this one's is 5200000)"],
    ["an absurd count", phcPbkdf2("sha512", "i=999999999", 16, 64), "(this one's is 999999999)"],
    ["a short salt", phcPbkdf2("sha256", "i=27500", 4), "a PBKDF2 hash's salt must be 8 to 64 bytes (this one's is 4)"],
    ["a long key", phcPbkdf2("sha512", "i=27500", 16, 256), "a PBKDF2 hash's key must be 16 to 128 bytes (this one's is 256)"],
    ["a short Django salt", `pbkdf2_sha256$260000$abc$${Buffer.alloc(32, 1).toString("base64")}`, "a PBKDF2 hash's salt must be 8 to 64 bytes (this one's is 3)"],
    ["padded base64 in the PHC form", `${KEYCLOAK.keycloakSha256Short.phc}=`, "this PBKDF2 hash is malformed"],
    ["an unknown digest", phcPbkdf2("md5", "i=27500"), "this PBKDF2 hash is malformed"],
  ])("refuses %s, naming the bound and never the hash", (_, hash, message) => {
    expect(problemOf(hash)).toContain(message);
  });

  it("a hash outside the bounds fails its verification at once, without deriving anything", async () => {
    const started = performance.now();
    expect(await verifyPassword(phcPbkdf2("sha512", "i=999999999", 16, 64), "anything")).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("a malformed stored PBKDF2 hash", () => {
  it.each([
    "pbkdf2_sha256$",
    "pbkdf2_sha256$abc$salt$hash",
    "pbkdf2_sha256$260000$1WgJTtDwKclUVOI1mBiXSA$346KSwUdF90Q",
    "pbkdf2_sha256$260000$1WgJTtDwKclUVOI1mBiXSA$!46KSwUdF90Q+sR6qa80yvqAcDWbvECAnjhzPde6SU8=",
    "$pbkdf2-sha256$i=27500$",
    "$pbkdf2-sha256$i=$HyYtNDtCSVBXXmVsc3qBiA$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
    "$pbkdf2-sha256$i=27500$HyYtNDtCSVBXXmVsc3qBiA$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgR",
    "$pbkdf2-sha256$i=27500$H$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
    "$pbkdf2-whirlpool$i=27500$HyYtNDtCSVBXXmVsc3qBiA$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
    "$pbkdf2-sha256$i=27500,l=0$HyYtNDtCSVBXXmVsc3qBiA$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
  ])("%j fails the verification without throwing, and the import refuses it", async (stored) => {
    await expect(verifyPassword(stored, "zq lev's older passphrase")).resolves.toBe(false);
    problemOf(stored);
  });
});

describe("PBKDF2 checks and the hash slots", () => {
  afterEach(() => {
    delete process.env.PASSWORD_HASH_CONCURRENCY;
  });

  it("wait for a slot like argon2 and bcrypt: with the only slot taken, a PBKDF2 check starts when it is free", async () => {
    process.env.PASSWORD_HASH_CONCURRENCY = "1";
    vi.resetModules(); // a fresh config and limiter read the setting
    delete (globalThis as { latchkeyPasswordQueue?: unknown }).latchkeyPasswordQueue;
    const passwords = await import("./passwords");
    const queue = await import("./password-queue");

    let release!: () => void;
    const holder = queue.inHashSlot(() => new Promise<void>((resolve) => (release = resolve)));
    let settled = false;
    const check = passwords.verifyPassword(KEYCLOAK.keycloakSha256.phc, KEYCLOAK.keycloakSha256.password, "stranger").then((ok) => {
      settled = true;
      return ok;
    });
    // Far longer than the check takes on its own (about 10 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    release();
    await holder;
    expect(await check).toBe(true);
    delete (globalThis as { latchkeyPasswordQueue?: unknown }).latchkeyPasswordQueue;
  });
});
