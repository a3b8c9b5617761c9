import BetterSqlite3 from "better-sqlite3";
import { eq } from "drizzle-orm";
import pg from "pg";
import { config } from "@/lib/config";
import { builtInPermissions } from "@/lib/auth/permissions";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mintSecretToken } from "@/lib/crypto/secret-tokens";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect, engine } from "@/lib/db/database";
import { accessTokens } from "@/lib/db/schema";
import { createAccount, createUser, sqlite, updateUserRow, type TestUser } from "@/test/factories";
import { SAMPLE_MS } from "@/lib/db/sqlite-committed-version";
import { authenticateAccessToken, mintAccessToken } from "./access-tokens";

// Every db() reads the engine's reader: counted, so the tests can see whether a refused token reached the database at all.
const readerReads = vi.fn();
function countReaderReads(): void {
  const open = engine();
  const reader = open.reader;
  Object.defineProperty(open, "reader", {
    configurable: true,
    get() {
      readerReads();
      return reader;
    },
  });
}

const DAY_MS = 86_400_000;

/** Units of work committed so far (PostgreSQL has no per-connection row counter, and its pool has many connections). */
let committedUnits = 0;
function countUnitsOfWork(): void {
  const open = engine();
  const transact = open.transact.bind(open);
  open.transact = async (fn) => {
    const result = await transact(fn);
    committedUnits += 1;
    return result;
  };
}

/** Writes so far: rows written by the writer connection (SQLite's own counter), or units of work on PostgreSQL. */
const totalChanges = () =>
  dialect() === "sqlite" ? (sqlite().prepare("SELECT total_changes() AS n").get() as { n: number }).n : committedUnits;

let accountId: string;
let owner: TestUser;

beforeAll(async () => {
  countReaderReads();
  countUnitsOfWork();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "admin" });
});

function mint(user: TestUser = owner, expiresInDays = 7, name = `token-${Math.random()}`) {
  return writeSystem(async (tx) =>
    mintAccessToken(tx, { accountId: user.accountId, userId: user.id, name, expiresInDays, createdBy: user.id }),
  );
}

describe("mintAccessToken", () => {
  it("stores only the SHA-256 digest, and returns the plain token once", async () => {
    const { plain, row } = await mint();
    expect(plain).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
    const [stored] = await db().select().from(accessTokens).where(eq(accessTokens.id, row.id));
    expect(stored.tokenDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(plain.slice(4));
  });
});

describe("authenticateAccessToken", () => {
  it("returns the owner as a token actor", async () => {
    const { plain, row } = await mint();
    expect(await authenticateAccessToken(plain)).toEqual({
      kind: "token",
      tokenId: row.id,
      accountId,
      userId: owner.id,
      role: "admin",
      permissions: builtInPermissions("admin"),
      scope: null,
    });
  });

  it.each(["", "lkp_", "Bearer lkp_x", "lkp_" + "a".repeat(36), "ghp_" + "a".repeat(36)])(
    "returns null for the malformed token %j",
    async (presented) => {
      expect(await authenticateAccessToken(presented)).toBeNull();
    },
  );

  it("returns null for a real token with one character changed", async () => {
    const { plain } = await mint();
    const typo = plain.slice(0, 10) + (plain[10] === "a" ? "b" : "a") + plain.slice(11);
    expect(await authenticateAccessToken(typo)).toBeNull();
  });

  it("returns null for a well-formed token that was never issued", async () => {
    expect(await authenticateAccessToken(mintSecretToken("lkp").plain)).toBeNull();
  });

  it("returns null for an invite token", async () => {
    expect(await authenticateAccessToken(mintSecretToken("lki").plain)).toBeNull();
  });

  it("returns null from the moment the token expires", async () => {
    const { plain, row } = await mint(owner, 2);
    expect(row.expiresAt.getTime()).toBeGreaterThanOrEqual(Date.now() + 2 * DAY_MS - 60_000);
    expect(await authenticateAccessToken(plain, new Date(row.expiresAt.getTime() - 1))).not.toBeNull();
    expect(await authenticateAccessToken(plain, row.expiresAt)).toBeNull();
    expect(await authenticateAccessToken(plain, new Date(row.expiresAt.getTime() + DAY_MS))).toBeNull();
  });

  it("returns null while the owner is blocked", async () => {
    const user = await createUser(accountId);
    const { plain } = await mint(user);
    await updateUserRow(user.id, { isBlocked: true });
    expect(await authenticateAccessToken(plain)).toBeNull();
    await updateUserRow(user.id, { isBlocked: false });
    expect(await authenticateAccessToken(plain)).not.toBeNull();
  });

  it("returns null on the next call once the token is deleted (nothing cached from the last success)", async () => {
    const { plain, row } = await mint();
    expect(await authenticateAccessToken(plain)).not.toBeNull();
    await writeSystem(async (tx) => {
      await tx.delete(accessTokens).where(eq(accessTokens.id, row.id));
    });
    expect(await authenticateAccessToken(plain)).toBeNull();
  });

  it("returns null on the next call once the owner is blocked, after a success", async () => {
    const user = await createUser(accountId);
    const { plain } = await mint(user);
    expect(await authenticateAccessToken(plain)).not.toBeNull();
    await updateUserRow(user.id, { isBlocked: true });
    expect(await authenticateAccessToken(plain)).toBeNull();
  });

  it("refuses a token on the next call once another process revokes it or blocks its owner", async () => {
    // Another process on the same database (a replica, or `npm run users` on the server): its own connection.
    const elsewhere = async (statement: string, ...params: unknown[]) => {
      if (dialect() === "sqlite") {
        const other = new BetterSqlite3(config().databaseFile);
        try {
          other.prepare(statement.replace(/\$\d+/g, "?")).run(...params.map((p) => (typeof p === "boolean" ? Number(p) : p)));
        } finally {
          other.close();
        }
        // Another process's commit reaches the cache within SAMPLE_MS (lib/db/sqlite-committed-version.ts).
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS + 1));
        return;
      }
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await other.connect();
      try {
        await other.query(statement, params);
      } finally {
        await other.end();
      }
    };
    const member = await createUser(accountId, { role: "admin" });
    const { plain, row } = await mint(member);
    for (let i = 0; i < 3; i++) expect(await authenticateAccessToken(plain)).not.toBeNull();
    await elsewhere("UPDATE users SET is_blocked = $1 WHERE id = $2", true, member.id);
    expect(await authenticateAccessToken(plain)).toBeNull();
    await elsewhere("UPDATE users SET is_blocked = $1 WHERE id = $2", false, member.id);
    expect(await authenticateAccessToken(plain)).not.toBeNull();
    await elsewhere("DELETE FROM access_tokens WHERE id = $1", row.id);
    expect(await authenticateAccessToken(plain)).toBeNull();
  });

  it("takes the role from the user row at each call", async () => {
    const user = await createUser(accountId, { role: "admin" });
    const { plain } = await mint(user);
    expect((await authenticateAccessToken(plain))?.role).toBe("admin");
    await updateUserRow(user.id, { role: "user" });
    expect((await authenticateAccessToken(plain))?.role).toBe("user");
  });

  it("records when the token was last used", async () => {
    const { plain, row } = await mint();
    expect(row.lastUsedAt).toBeNull();
    const now = new Date();
    await authenticateAccessToken(plain, now);
    const [stored] = await db().select().from(accessTokens).where(eq(accessTokens.id, row.id));
    expect(stored.lastUsedAt).toEqual(now);
  });
});

describe("the verification path", () => {
  beforeEach(() => readerReads.mockClear());

  it.each([
    ["garbage", "garbage"],
    ["a broken checksum", async () => {
      const { plain } = await mint();
      return plain.slice(0, -1) + (plain.endsWith("0") ? "1" : "0");
    }],
    ["the wrong prefix", async () => "lki_" + (await mint()).plain.slice(4)],
    ["an over-long value", async () => (await mint()).plain + "x".repeat(10_000)],
  ])("refuses %s without touching the database", async (_what, make) => {
    const presented = typeof make === "function" ? await make() : make;
    readerReads.mockClear();
    expect(await authenticateAccessToken(presented)).toBeNull();
    expect(readerReads).not.toHaveBeenCalled();
  });

  it("refuses a well-formed unknown token with one read and no write", async () => {
    const writes = totalChanges();
    readerReads.mockClear();
    expect(await authenticateAccessToken(mintSecretToken("lkp").plain)).toBeNull();
    expect(readerReads).toHaveBeenCalledTimes(1);
    expect(totalChanges()).toBe(writes);
  });

  it("refuses an expired token without recording a use", async () => {
    const { plain, row } = await mint(owner, 1);
    const writes = totalChanges();
    expect(await authenticateAccessToken(plain, new Date(row.expiresAt.getTime() + 1))).toBeNull();
    expect(totalChanges()).toBe(writes);
    const [stored] = await db().select().from(accessTokens).where(eq(accessTokens.id, row.id));
    expect(stored.lastUsedAt).toBeNull();
  });

  it("writes last_used_at at most once a minute per token", async () => {
    const { plain, row } = await mint();
    const t0 = new Date();
    const lastUsed = async () => (await db().select().from(accessTokens).where(eq(accessTokens.id, row.id)))[0].lastUsedAt;
    await authenticateAccessToken(plain, t0);
    const writes = totalChanges();
    for (let s = 1; s <= 60; s += 10) await authenticateAccessToken(plain, new Date(t0.getTime() + s * 1000));
    expect(totalChanges()).toBe(writes);
    expect(await lastUsed()).toEqual(t0);
    const later = new Date(t0.getTime() + 61_000);
    await authenticateAccessToken(plain, later);
    expect(totalChanges()).toBe(writes + 1);
    expect(await lastUsed()).toEqual(later);
  });
});
