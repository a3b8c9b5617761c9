import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mintSecretToken } from "@/lib/crypto/secret-tokens";
import { db, writeTransaction } from "@/lib/db/client";
import { accessTokens } from "@/lib/db/schema";
import { createAccount, createUser, sqlite, updateUserRow, type TestUser } from "@/test/factories";
import { authenticateAccessToken, mintAccessToken } from "./access-tokens";

// db() is wrapped so the tests can see whether a refused token reached the database at all.
vi.mock("@/lib/db/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/db/client")>();
  return { ...actual, db: vi.fn(actual.db) };
});

const DAY_MS = 86_400_000;

/** Rows written by this connection so far (SQLite's own counter). */
const totalChanges = () => (sqlite().prepare("SELECT total_changes() AS n").get() as { n: number }).n;

let accountId: string;
let owner: TestUser;

beforeAll(async () => {
  accountId = createAccount();
  owner = await createUser(accountId, { role: "admin" });
});

function mint(user: TestUser = owner, expiresInDays = 7, name = `token-${Math.random()}`) {
  return writeTransaction((tx) =>
    mintAccessToken(tx, { accountId: user.accountId, userId: user.id, name, expiresInDays, createdBy: user.id }),
  );
}

describe("mintAccessToken", () => {
  it("stores only the SHA-256 digest, and returns the plain token once", () => {
    const { plain, row } = mint();
    expect(plain).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
    const stored = db().select().from(accessTokens).where(eq(accessTokens.id, row.id)).get()!;
    expect(stored.tokenDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(plain.slice(4));
  });
});

describe("authenticateAccessToken", () => {
  it("returns the owner as a token actor", () => {
    const { plain, row } = mint();
    expect(authenticateAccessToken(plain)).toEqual({
      kind: "token",
      tokenId: row.id,
      accountId,
      userId: owner.id,
      role: "admin",
    });
  });

  it.each(["", "lkp_", "Bearer lkp_x", "lkp_" + "a".repeat(36), "ghp_" + "a".repeat(36)])(
    "returns null for the malformed token %j",
    (presented) => {
      expect(authenticateAccessToken(presented)).toBeNull();
    },
  );

  it("returns null for a real token with one character changed", () => {
    const { plain } = mint();
    const typo = plain.slice(0, 10) + (plain[10] === "a" ? "b" : "a") + plain.slice(11);
    expect(authenticateAccessToken(typo)).toBeNull();
  });

  it("returns null for a well-formed token that was never issued", () => {
    expect(authenticateAccessToken(mintSecretToken("lkp").plain)).toBeNull();
  });

  it("returns null for an invite token", () => {
    expect(authenticateAccessToken(mintSecretToken("lki").plain)).toBeNull();
  });

  it("returns null from the moment the token expires", () => {
    const { plain, row } = mint(owner, 2);
    expect(row.expiresAt.getTime()).toBeGreaterThanOrEqual(Date.now() + 2 * DAY_MS - 60_000);
    expect(authenticateAccessToken(plain, new Date(row.expiresAt.getTime() - 1))).not.toBeNull();
    expect(authenticateAccessToken(plain, row.expiresAt)).toBeNull();
    expect(authenticateAccessToken(plain, new Date(row.expiresAt.getTime() + DAY_MS))).toBeNull();
  });

  it("returns null while the owner is blocked", async () => {
    const user = await createUser(accountId);
    const { plain } = mint(user);
    updateUserRow(user.id, { isBlocked: true });
    expect(authenticateAccessToken(plain)).toBeNull();
    updateUserRow(user.id, { isBlocked: false });
    expect(authenticateAccessToken(plain)).not.toBeNull();
  });

  it("takes the role from the user row at each call", async () => {
    const user = await createUser(accountId, { role: "admin" });
    const { plain } = mint(user);
    expect(authenticateAccessToken(plain)?.role).toBe("admin");
    updateUserRow(user.id, { role: "user" });
    expect(authenticateAccessToken(plain)?.role).toBe("user");
  });

  it("records when the token was last used", () => {
    const { plain, row } = mint();
    expect(row.lastUsedAt).toBeNull();
    const now = new Date();
    authenticateAccessToken(plain, now);
    expect(db().select().from(accessTokens).where(eq(accessTokens.id, row.id)).get()!.lastUsedAt).toEqual(now);
  });
});

describe("the verification path", () => {
  beforeEach(() => vi.mocked(db).mockClear());

  it.each([
    ["garbage", "garbage"],
    ["a broken checksum", () => {
      const { plain } = mint();
      return plain.slice(0, -1) + (plain.endsWith("0") ? "1" : "0");
    }],
    ["the wrong prefix", () => "lki_" + mint().plain.slice(4)],
    ["an over-long value", () => mint().plain + "x".repeat(10_000)],
  ])("refuses %s without touching the database", (_what, make) => {
    const presented = typeof make === "function" ? make() : make;
    vi.mocked(db).mockClear();
    expect(authenticateAccessToken(presented)).toBeNull();
    expect(db).not.toHaveBeenCalled();
  });

  it("refuses a well-formed unknown token with one read and no write", () => {
    const writes = totalChanges();
    vi.mocked(db).mockClear();
    expect(authenticateAccessToken(mintSecretToken("lkp").plain)).toBeNull();
    expect(db).toHaveBeenCalledTimes(1);
    expect(totalChanges()).toBe(writes);
  });

  it("refuses an expired token without recording a use", () => {
    const { plain, row } = mint(owner, 1);
    const writes = totalChanges();
    expect(authenticateAccessToken(plain, new Date(row.expiresAt.getTime() + 1))).toBeNull();
    expect(totalChanges()).toBe(writes);
    expect(db().select().from(accessTokens).where(eq(accessTokens.id, row.id)).get()!.lastUsedAt).toBeNull();
  });

  it("writes last_used_at at most once a minute per token", () => {
    const { plain, row } = mint();
    const t0 = new Date();
    const lastUsed = () => db().select().from(accessTokens).where(eq(accessTokens.id, row.id)).get()!.lastUsedAt;
    authenticateAccessToken(plain, t0);
    const writes = totalChanges();
    for (let s = 1; s <= 60; s += 10) authenticateAccessToken(plain, new Date(t0.getTime() + s * 1000));
    expect(totalChanges()).toBe(writes);
    expect(lastUsed()).toEqual(t0);
    const later = new Date(t0.getTime() + 61_000);
    authenticateAccessToken(plain, later);
    expect(totalChanges()).toBe(writes + 1);
    expect(lastUsed()).toEqual(later);
  });
});
