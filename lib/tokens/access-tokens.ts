/**
 * Personal access tokens: minted once (the plain value leaves in one
 * response), stored as a SHA-256 digest, verified on the API's hot path with
 * no password hashing: format and checksum, one indexed lookup, expiry, owner.
 */
import "server-only";
import crypto from "node:crypto";
import type { Statement } from "better-sqlite3";
import { and, eq, sql } from "drizzle-orm";
import { digestToken, isWellFormedToken, mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { db, type Db, type Tx } from "@/lib/db/client";
import type { Db as AsyncDb } from "@/lib/db/database";
import { accessTokens, users, type AccessTokenRow, type Role } from "@/lib/db/schema";
import type { TokenActor } from "@/lib/auth/actor";

const DAY_MS = 86_400_000;
/** last_used_at is written at most this often per token, so reads don't each cost a write. */
const LAST_USED_INTERVAL_MS = 60_000;

export type MintedToken = { plain: string; row: AccessTokenRow };

export function mintAccessToken(
  tx: Tx | AsyncDb,
  input: { accountId: string; userId: string; name: string; expiresInDays: number; createdBy: string },
  now = new Date(),
): MintedToken {
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.accessToken);
  const row = tx
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
    .returning()
    .get();
  return { plain, row };
}

type LookupRow = [tokenId: string, expiresAtMs: number, lastUsedAtMs: number | null, accountId: string, userId: string, role: Role, isBlocked: number];

/**
 * The lookup, prepared once per connection. Drizzle writes the SQL from the
 * schema; better-sqlite3 runs it in raw (array) mode, because on this path
 * building the query or mapping the row into objects and Dates per request
 * would cost more than SQLite's indexed lookup itself (see docs/benchmarks.md).
 */
function prepareLookup(database: Db): Statement<[string], LookupRow> {
  const query = database
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
    .toSQL();
  return database.$client.prepare<[string], LookupRow>(query.sql).raw(true);
}

const lookups = new WeakMap<Db, Statement<[string], LookupRow>>();

function lookupByDigest(digest: string): LookupRow | undefined {
  const database = db();
  let lookup = lookups.get(database);
  if (!lookup) {
    lookup = prepareLookup(database);
    lookups.set(database, lookup);
  }
  return lookup.get(digest);
}

/**
 * The actor a presented token acts as, or null if it is malformed, unknown,
 * expired, or its owner is blocked. A malformed token is refused before any
 * database access. `now` is the clock seam for expiry tests.
 */
export function authenticateAccessToken(presented: string, now = new Date()): TokenActor | null {
  if (!isWellFormedToken(presented, TOKEN_PREFIXES.accessToken)) return null;
  const found = lookupByDigest(digestToken(presented));
  if (!found) return null;
  const [tokenId, expiresAtMs, lastUsedAtMs, accountId, userId, role, isBlocked] = found;
  const nowMs = now.getTime();
  if (isBlocked || expiresAtMs <= nowMs) return null;
  if (lastUsedAtMs === null || nowMs - lastUsedAtMs > LAST_USED_INTERVAL_MS) {
    db().update(accessTokens).set({ lastUsedAt: now }).where(eq(accessTokens.id, tokenId)).run();
  }
  // The role is read from the owner now, so a demotion applies to the very next request.
  return { kind: "token", tokenId, accountId, userId, role };
}

/** Ends every access token of a user (an admin reset means the account may be in the wrong hands). */
export function deleteUserAccessTokens(tx: Tx, accountId: string, userId: string): number {
  return tx
    .delete(accessTokens)
    .where(and(eq(accessTokens.accountId, accountId), eq(accessTokens.userId, userId)))
    .run().changes;
}
