/**
 * Personal access tokens: minted once (the plain value leaves in one
 * response), stored as a SHA-256 digest, verified on the API's hot path with
 * no password hashing: format and checksum, one indexed lookup, expiry, owner.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { digestToken, isWellFormedToken, mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { inUnitOfWork, writeSystem } from "@/lib/data/unit-of-work";
import { db, engine, type Db, type Tx } from "@/lib/db/database";
import { accessTokens, users, type AccessTokenRow, type Role } from "@/lib/db/schema";
import type { TokenActor } from "@/lib/auth/actor";
import { hasExtraRolesColumn, narrowToScope, resolvePermissions } from "@/lib/auth/effective-permissions";
import { builtInPermissions, parsePermissionList, sortPermissions, type Permission } from "@/lib/auth/permissions";

const DAY_MS = 86_400_000;
/** Lookups kept on SQLite (see prepareLookup), oldest dropped first. */
const SEEN_LIMIT = 10_000;
/** last_used_at is written at most this often per token, so reads don't each cost a write. */
const LAST_USED_INTERVAL_MS = 60_000;

export type MintedToken = { plain: string; row: AccessTokenRow };

export async function mintAccessToken(
  tx: Tx,
  input: {
    accountId: string;
    userId: string;
    name: string;
    expiresInDays: number;
    /** The latest it may expire (a token made by a token of the same user ends with it). */
    notAfter?: Date;
    /** That token, when one made it: deleting it deletes this one (the foreign key cascades). */
    madeByTokenId?: string;
    createdBy: string;
    permissions?: readonly Permission[] | null;
  },
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
      expiresAt: new Date(Math.min(now.getTime() + input.expiresInDays * DAY_MS, input.notAfter?.getTime() ?? Infinity)),
      createdBy: input.createdBy,
      createdAt: now,
      permissions: input.permissions ? JSON.stringify(sortPermissions(input.permissions)) : null,
      madeByTokenId: input.madeByTokenId ?? null,
    })
    .returning();
  return { plain, row };
}

/** What the lookup reads: the token joined to its owner. */
type Found = {
  tokenId: string;
  expiresAtMs: number;
  lastUsedAtMs: number | null;
  accountId: string;
  userId: string;
  role: Role;
  isBlocked: boolean;
  hasExtraRoles: boolean;
  scope: string | null;
};
type Lookup = (digest: string) => Found | undefined | Promise<Found | undefined>;

/** The query both dialects run (token_digest is unique: one row at most); Drizzle writes its SQL from the schema. */
function lookupQuery(database: Db) {
  return database
    .select({
      tokenId: accessTokens.id,
      expiresAt: accessTokens.expiresAt,
      lastUsedAt: accessTokens.lastUsedAt,
      accountId: users.accountId,
      userId: users.id,
      role: users.role,
      isBlocked: users.isBlocked,
      hasExtraRoles: hasExtraRolesColumn(),
      scope: accessTokens.permissions,
    })
    .from(accessTokens)
    .innerJoin(users, and(eq(users.id, accessTokens.userId), eq(users.accountId, accessTokens.accountId)))
    .where(eq(accessTokens.tokenDigest, sql.placeholder("digest")));
}

type SqliteRow = [
  tokenId: string,
  expiresAtMs: number,
  lastUsedAtMs: number | null,
  accountId: string,
  userId: string,
  role: Role,
  isBlocked: number,
  hasExtraRoles: number,
  scope: string | null,
];

/**
 * The lookup, prepared once per reader. On SQLite it is better-sqlite3's own
 * statement on the reader's connection, run in raw (array) mode and
 * synchronously: Drizzle's prepared query maps every row into objects and
 * Dates through its async session, which cost more than SQLite's indexed
 * lookup itself and halved this path's rate (see docs/benchmarks.md). The
 * reader sees committed data only, as before, so a blocked owner or a deleted
 * token fails on the next request.
 *
 * The last answers are kept, each with the database's committed version
 * (Engine.committedVersion) at the time it was read, and reused only while that
 * version is unchanged: exactly what a fresh read would return (a blocked owner
 * or a deleted token fails on the next request), for a number compared instead
 * of the join. On SQLite the version is synchronous (this process's writes move
 * it at once, another process's within a millisecond); on PostgreSQL it is the
 * server's snapshot, which any commit on any replica changes (lib/db/postgres.ts
 * snapshotVersions: one small read shared by the requests that arrive while one
 * is under way). Unknown digests are not kept. On PostgreSQL a named prepared
 * statement runs on any pooled connection.
 */
function prepareLookup(database: Db): Lookup {
  const { native, committedVersion } = engine();
  const seen = new Map<string, { version: number | string; found: Found }>();
  const keep = (digest: string, version: number | string, found: Found) => {
    if (seen.size >= SEEN_LIMIT) seen.delete(seen.keys().next().value as string);
    seen.set(digest, { version, found });
  };
  if (native.kind === "sqlite") {
    const statement = native.reader.prepare<[string], SqliteRow>(lookupQuery(database).toSQL().sql).raw(true);
    return (digest) => {
      // Read before the lookup: a commit landing between the two makes the entry look older, never newer.
      const version = committedVersion() as number;
      const known = seen.get(digest);
      if (known && known.version === version) return known.found;
      const row = statement.get(digest);
      if (!row) return undefined;
      const [tokenId, expiresAtMs, lastUsedAtMs, accountId, userId, role, isBlocked, hasExtraRoles, scope] = row;
      const found = { tokenId, expiresAtMs, lastUsedAtMs, accountId, userId, role, isBlocked: isBlocked !== 0, hasExtraRoles: hasExtraRoles !== 0, scope };
      keep(digest, version, found);
      return found;
    };
  }
  // Named: node-postgres parses and plans it once per pooled connection, not on every verification.
  // (Db is typed with SQLite's builders, whose prepare takes no name; on PostgreSQL it is pg-core's.)
  const query = lookupQuery(database).limit(1) as unknown as { prepare(name: string): ReturnType<ReturnType<typeof lookupQuery>["prepare"]> };
  const prepared = query.prepare("latchkey_access_token_lookup");
  return async (digest) => {
    const version = await committedVersion();
    const known = seen.get(digest);
    if (known && known.version === version) return known.found;
    const [row] = await prepared.execute({ digest });
    if (!row) return undefined;
    const { expiresAt, lastUsedAt, ...rest } = row;
    const found = { ...rest, expiresAtMs: expiresAt.getTime(), lastUsedAtMs: lastUsedAt?.getTime() ?? null };
    keep(digest, version, found);
    return found;
  };
}

const lookups = new WeakMap<Db, Lookup>();

function lookupByDigest(digest: string): Found | undefined | Promise<Found | undefined> {
  const database = db();
  let lookup = lookups.get(database);
  if (!lookup) {
    lookup = prepareLookup(database);
    lookups.set(database, lookup);
  }
  return lookup(digest);
}

/**
 * The actor a presented token acts as, or null if it is malformed, unknown,
 * expired, or its owner is blocked. A malformed token is refused before any
 * database access. `now` is the clock seam for expiry tests.
 */
export async function authenticateAccessToken(presented: string, now = new Date()): Promise<TokenActor | null> {
  if (!isWellFormedToken(presented, TOKEN_PREFIXES.accessToken)) return null;
  const pending = lookupByDigest(digestToken(presented));
  // SQLite answers synchronously: no extra turn of the event loop on the hot path.
  const found = pending instanceof Promise ? await pending : pending;
  if (!found) return null;
  const { tokenId, accountId, userId, role } = found;
  const nowMs = now.getTime();
  if (found.isBlocked || found.expiresAtMs <= nowMs) return null;
  if (found.lastUsedAtMs === null || nowMs - found.lastUsedAtMs > LAST_USED_INTERVAL_MS) {
    await noteTokenUsed(tokenId, now);
  }
  // The roles are read from the owner now, so a demotion applies to the very next request;
  // the scope narrows what the owner holds at this moment. No extra role (the common case): no further read.
  const scope = parsePermissionList(found.scope);
  const permissions = found.hasExtraRoles
    ? await resolvePermissions(db(), { accountId, userId, role, hasExtraRoles: true }, scope)
    : narrowToScope(builtInPermissions(role), scope);
  return { kind: "token", tokenId, accountId, userId, role, permissions, scope };
}

/** Writes last_used_at (at most once a minute per token): its own small unit of work, or the open one's. */
async function noteTokenUsed(tokenId: string, now: Date): Promise<void> {
  // Verification normally runs before any unit of work; a caller inside one can't open another.
  if (inUnitOfWork()) return;
  await writeSystem(async (tx) => {
    await tx.update(accessTokens).set({ lastUsedAt: now }).where(eq(accessTokens.id, tokenId));
  });
}

/**
 * A block ends a person's access tokens for good: an unblock must not bring back what whoever had the account
 * made with it. A service user's block is a pause: its tokens are refused while it lasts (authenticateAccessToken
 * checks is_blocked) and work again after, since automation depends on them; a leaked one is deleted on its own.
 * Returns how many ended.
 */
export async function deleteAccessTokensOfBlocked(tx: Tx, accountId: string, userId: string): Promise<number> {
  const [row] = await tx
    .select({ isServiceUser: users.isServiceUser })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)))
    .limit(1);
  if (!row || row.isServiceUser) return 0;
  return deleteUserAccessTokens(tx, accountId, userId);
}

/**
 * How many tokens go with this one when it is deleted: those it made for its user, and what they made in turn
 * (made_by_token_id cascades). A level per query; a chain is as long as a token kept making its successor.
 */
export async function tokensMadeBy(tx: Tx, tokenId: string): Promise<number> {
  let total = 0;
  for (let level = [tokenId]; level.length > 0; ) {
    level = (await tx.select({ id: accessTokens.id }).from(accessTokens).where(inArray(accessTokens.madeByTokenId, level))).map((r) => r.id);
    total += level.length;
  }
  return total;
}

/** Ends every access token of a user (an admin reset means the account may be in the wrong hands). */
export async function deleteUserAccessTokens(tx: Tx, accountId: string, userId: string): Promise<number> {
  const deleted = await tx
    .delete(accessTokens)
    .where(and(eq(accessTokens.accountId, accountId), eq(accessTokens.userId, userId)))
    .returning({ id: accessTokens.id });
  return deleted.length;
}
