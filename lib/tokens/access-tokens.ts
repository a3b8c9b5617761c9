/**
 * Personal access tokens: minted once (the plain value leaves in one
 * response), stored as a SHA-256 digest, verified on the API's hot path with
 * no password hashing: format and checksum, one indexed lookup, expiry, owner.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { digestToken, isWellFormedToken, mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { inUnitOfWork, writeSystem } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { accessTokens, users, type AccessTokenRow } from "@/lib/db/schema";
import type { TokenActor } from "@/lib/auth/actor";

const DAY_MS = 86_400_000;
/** last_used_at is written at most this often per token, so reads don't each cost a write. */
const LAST_USED_INTERVAL_MS = 60_000;

export type MintedToken = { plain: string; row: AccessTokenRow };

export async function mintAccessToken(
  tx: Tx,
  input: { accountId: string; userId: string; name: string; expiresInDays: number; createdBy: string },
  now = new Date(),
): Promise<MintedToken> {
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.accessToken);
  const [row] = await tx
    .insert(accessTokens)
    .values({
      id: crypto.randomUUID(),
      accountId: input.accountId,
      userId: input.userId,
      name: input.name,
      tokenDigest: digest,
      expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS),
      createdBy: input.createdBy,
      createdAt: now,
    })
    .returning();
  return { plain, row };
}

/**
 * The lookup, prepared once per reader: Drizzle builds the SQL and the row
 * mapping once, not per request (on this path building the query would cost
 * more than the indexed lookup itself; see docs/benchmarks.md). One query,
 * the token joined to its owner. On PostgreSQL the statement is unnamed, so it
 * runs on any pooled connection.
 */
function prepareLookup(database: Db) {
  return database
    .select({
      tokenId: accessTokens.id,
      expiresAt: accessTokens.expiresAt,
      lastUsedAt: accessTokens.lastUsedAt,
      accountId: users.accountId,
      userId: users.id,
      role: users.role,
      isBlocked: users.isBlocked,
    })
    .from(accessTokens)
    .innerJoin(users, and(eq(users.id, accessTokens.userId), eq(users.accountId, accessTokens.accountId)))
    .where(eq(accessTokens.tokenDigest, sql.placeholder("digest")))
    .limit(1)
    .prepare();
}

const lookups = new WeakMap<Db, ReturnType<typeof prepareLookup>>();

async function lookupByDigest(digest: string) {
  const database = db();
  let lookup = lookups.get(database);
  if (!lookup) {
    lookup = prepareLookup(database);
    lookups.set(database, lookup);
  }
  const [found] = await lookup.execute({ digest });
  return found;
}

/**
 * The actor a presented token acts as, or null if it is malformed, unknown,
 * expired, or its owner is blocked. A malformed token is refused before any
 * database access. `now` is the clock seam for expiry tests.
 */
export async function authenticateAccessToken(presented: string, now = new Date()): Promise<TokenActor | null> {
  if (!isWellFormedToken(presented, TOKEN_PREFIXES.accessToken)) return null;
  const found = await lookupByDigest(digestToken(presented));
  if (!found) return null;
  const { tokenId, accountId, userId, role } = found;
  const nowMs = now.getTime();
  if (found.isBlocked || found.expiresAt.getTime() <= nowMs) return null;
  if (found.lastUsedAt === null || nowMs - found.lastUsedAt.getTime() > LAST_USED_INTERVAL_MS) {
    await noteTokenUsed(tokenId, now);
  }
  // The role is read from the owner now, so a demotion applies to the very next request.
  return { kind: "token", tokenId, accountId, userId, role };
}

/** Writes last_used_at (at most once a minute per token): its own small unit of work, or the open one's. */
async function noteTokenUsed(tokenId: string, now: Date): Promise<void> {
  // Verification normally runs before any unit of work; a caller inside one can't open another.
  if (inUnitOfWork()) return;
  await writeSystem(async (tx) => {
    await tx.update(accessTokens).set({ lastUsedAt: now }).where(eq(accessTokens.id, tokenId));
  });
}

/** Ends every access token of a user (an admin reset means the account may be in the wrong hands). */
export async function deleteUserAccessTokens(tx: Tx, accountId: string, userId: string): Promise<number> {
  const deleted = await tx
    .delete(accessTokens)
    .where(and(eq(accessTokens.accountId, accountId), eq(accessTokens.userId, userId)))
    .returning({ id: accessTokens.id });
  return deleted.length;
}
