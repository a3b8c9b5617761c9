/**
 * What a person has given apps, as the provider stored it: grants (the
 * scopes an app may ask for), and the codes and tokens issued under them.
 * Revoking deletes the rows, so the next use of any of those tokens (refresh,
 * userinfo, introspection) finds nothing: access ends at once, not at expiry.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { findApplicationByClientId } from "@/lib/applications/for-provider";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { decryptField } from "@/lib/crypto/aead";
import { write } from "@/lib/data/unit-of-work";
import { db, dialect, type Db, type Tx } from "@/lib/db/database";
import { execute } from "@/lib/db/raw";
import { oidcModels } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";

/** Models that are a person's access to an app (a provider Session is per browser, not per app). */
const ACCESS_MODELS = ["Grant", "AccessToken", "RefreshToken", "AuthorizationCode", "DeviceCode"];

/**
 * DESIGN — revocation against the token endpoint: on PostgreSQL a refresh grant or code exchange mints
 * its tokens in one statement outside the instance's write lock (./adapter.ts consumeAndMintStatement),
 * holding a SHARED transaction-scoped advisory lock for the person and one for the app
 * (revocationLockSql). Every path that ends a person's or an app's tokens takes that lock EXCLUSIVE
 * first, in a statement of its own before its DELETE: a grant under way commits first and the DELETE
 * (a later statement, a fresh snapshot) sees its new tokens; a grant that comes later waits for the
 * revocation to commit and then finds the old token gone (its UPDATE skips a row deleted meanwhile),
 * so it mints nothing. These two functions are that lock; revokeUserAppAccess and revokeAppGrants
 * (every revocation goes through them) take it. SQLite's BEGIN IMMEDIATE already orders everything:
 * nothing to lock there.
 * Round 11: advisory locks, not row locks (FOR SHARE on the person's and the app's rows). Those wrote
 * to the rows on every grant (a MultiXact as soon as two grants of one person or app overlapped, a
 * WAL record each time) and made every other read of those rows resolve the lockers; an advisory
 * lock lives only in the server's lock table. A hash collision between two people only makes one
 * wait for the other's revocation; the two-key form has a key space of its own, apart from the
 * instance's write lock and the migration lock (single bigint keys, lib/db/postgres.ts).
 */
const REVOCATION_LOCK_SPACE = { person: 0x4c4b5001, app: 0x4c4b5002 } as const;

/** The advisory lock's two keys for a person (by user id) or an app (by client id) of an account. */
export function revocationLockKeys(kind: keyof typeof REVOCATION_LOCK_SPACE, accountId: string, id: string): [number, number] {
  const digest = crypto.createHash("sha256").update(`${accountId}\u0000${id}`, "utf8").digest();
  return [REVOCATION_LOCK_SPACE[kind], digest.readInt32BE(0)];
}

/** The grant's side, as SQL that is true once the shared lock is held (./adapter.ts consumeAndMintStatement). */
export function sharedRevocationLockSql(kind: keyof typeof REVOCATION_LOCK_SPACE, accountId: string, id: string): SQL {
  const [space, key] = revocationLockKeys(kind, accountId, id);
  return sql`(select true from pg_advisory_xact_lock_shared(${space}::int, ${key}::int))`;
}

async function lockForRevocation(tx: Tx, kind: keyof typeof REVOCATION_LOCK_SPACE, accountId: string, id: string): Promise<void> {
  if (dialect() !== "postgres") return;
  const [space, key] = revocationLockKeys(kind, accountId, id);
  await execute(tx, sql`select 1 from pg_advisory_xact_lock(${space}::int, ${key}::int)`);
}

export async function lockPersonForRevocation(tx: Tx, accountId: string, userId: string): Promise<void> {
  await lockForRevocation(tx, "person", accountId, userId);
}

/** As lockPersonForRevocation, for an app (by client id). */
export async function lockAppForRevocation(tx: Tx, accountId: string, clientId: string): Promise<void> {
  await lockForRevocation(tx, "app", accountId, clientId);
}

/**
 * Ends a person's access to apps (one app when clientId is given; then their
 * provider sessions stay). Returns how many grants ended.
 */
export async function revokeUserAppAccess(tx: Tx, accountId: string, userId: string, clientId?: string): Promise<number> {
  await lockPersonForRevocation(tx, accountId, userId);
  const scope = and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId));
  const grants = await tx
    .select({ id: oidcModels.id })
    .from(oidcModels)
    .where(and(scope, eq(oidcModels.name, "Grant"), clientId ? eq(oidcModels.clientId, clientId) : undefined));
  await tx
    .delete(oidcModels)
    .where(clientId ? and(scope, eq(oidcModels.clientId, clientId), inArray(oidcModels.name, ACCESS_MODELS)) : scope);
  return grants.length;
}

/** Ends every grant of an app (the app was deleted, or its secret rotated). */
export async function revokeAppGrants(tx: Tx, accountId: string, clientId: string): Promise<number> {
  await lockAppForRevocation(tx, accountId, clientId);
  const deleted = await tx.delete(oidcModels).where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.clientId, clientId))).returning({ name: oidcModels.name });
  return deleted.filter((row) => row.name === "Grant").length;
}

/** The apps (client ids) the person holds a grant for now. */
export async function appsWithGrantsOf(q: Db | Tx, accountId: string, userId: string): Promise<string[]> {
  const rows = await q
    .selectDistinct({ clientId: oidcModels.clientId })
    .from(oidcModels)
    .where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId), eq(oidcModels.name, "Grant")));
  return rows.map((r) => r.clientId).filter((id): id is string => id !== null);
}

/** The people who hold a grant for the app now. */
export async function usersWithGrants(q: Db | Tx, accountId: string, clientId: string): Promise<string[]> {
  const rows = await q
    .selectDistinct({ userId: oidcModels.userId })
    .from(oidcModels)
    .where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.clientId, clientId), eq(oidcModels.name, "Grant")));
  return rows.map((r) => r.userId).filter((id): id is string => id !== null);
}

type GrantPayload = { openid?: { scope?: string }; iat?: number; exp?: number };

function openGrant(row: { id: string; payloadCiphertext: string }): GrantPayload {
  return JSON.parse(decryptField(row.payloadCiphertext, { table: "oidc_models", column: "payload", rowId: `Grant:${row.id}` })) as GrantPayload;
}

/** The OIDC scopes the person has granted the app (union over their grants), for the consent decision. */
export async function grantedScopes(accountId: string, userId: string, clientId: string): Promise<Set<string>> {
  const rows = await db()
    .select({ id: oidcModels.id, payloadCiphertext: oidcModels.payloadCiphertext, expiresAt: oidcModels.expiresAt })
    .from(oidcModels)
    .where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId), eq(oidcModels.clientId, clientId), eq(oidcModels.name, "Grant")));
  const scopes = new Set<string>();
  for (const row of rows) {
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) continue;
    for (const s of (openGrant(row).openid?.scope ?? "").split(" ")) if (s) scopes.add(s);
  }
  return scopes;
}

export type SignedInApp = { clientId: string; name: string; scopes: string[]; lastSignInAt: Date | null };

/** The apps the actor has signed in to and not withdrawn (Profile → "Apps you signed in to"). */
export async function appsSignedInTo(actor: Actor): Promise<SignedInApp[]> {
  const rows = await db()
    .select({ id: oidcModels.id, clientId: oidcModels.clientId, payloadCiphertext: oidcModels.payloadCiphertext, expiresAt: oidcModels.expiresAt })
    .from(oidcModels)
    .where(and(eq(oidcModels.accountId, actor.accountId), eq(oidcModels.userId, actor.userId), eq(oidcModels.name, "Grant")));
  const byClient = new Map<string, SignedInApp>();
  for (const row of rows) {
    if (!row.clientId || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) continue;
    const grant = openGrant(row);
    const at = grant.iat ? new Date(grant.iat * 1000) : null;
    const entry = byClient.get(row.clientId) ?? { clientId: row.clientId, name: row.clientId, scopes: [], lastSignInAt: null };
    entry.scopes = [...new Set([...entry.scopes, ...(grant.openid?.scope ?? "").split(" ").filter(Boolean)])].sort();
    if (at && (!entry.lastSignInAt || at > entry.lastSignInAt)) entry.lastSignInAt = at;
    byClient.set(row.clientId, entry);
  }
  const apps = [...byClient.values()];
  for (const app of apps) app.name = (await findApplicationByClientId(app.clientId))?.name ?? "Deleted app";
  return apps.sort((a, b) => a.name.localeCompare(b.name));
}

/** The person withdraws an app's access: its grants and tokens end; the next sign-in there starts afresh. */
export async function withdrawAppAccess(actor: Actor, clientId: string, meta: RequestMeta): Promise<void> {
  const app = await findApplicationByClientId(clientId);
  await write(actor, async (tx, me) => {
    const ended = await revokeUserAppAccess(tx, me.accountId, me.userId, clientId);
    if (ended === 0) throw new NotFound("App access");
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "app.access.withdrawn",
      actor: { type: "user", id: me.userId },
      target: { type: "application", id: app?.id ?? clientId, label: app?.name ?? clientId },
      details: { client_id: clientId, grants_ended: ended },
      meta,
    });
  });
}
