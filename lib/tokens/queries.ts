/**
 * Reading access tokens (metadata only), scoped to the actor's account and to
 * whose tokens the actor may see (./rules.ts). A user the actor can't see is
 * "not found", as everywhere; so is a token of anyone but the named user.
 */
import "server-only";
import { and, count, desc, eq, inArray } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { accessTokens } from "@/lib/db/schema";
import { getUser } from "@/lib/users/queries";
import { loadTokenRow, toTokenRecord, type AccessTokenRecord } from "./records";
import { assertCanSeeTokens } from "./rules";

/** The user's tokens, newest first, expired ones included (shown as Expired until deleted). */
export async function listAccessTokens(actor: Actor, userId: string): Promise<AccessTokenRecord[]> {
  assertCanSeeTokens(actor, await getUser(actor, userId));
  const rows = await db()
    .select()
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.userId, userId)))
    .orderBy(desc(accessTokens.createdAt));
  return rows.map(toTokenRecord);
}

export async function getAccessToken(actor: Actor, userId: string, tokenId: string): Promise<AccessTokenRecord> {
  assertCanSeeTokens(actor, await getUser(actor, userId));
  return toTokenRecord(await loadTokenRow(db(), actor.accountId, userId, tokenId));
}

/** How many tokens each of these users has (for the Service users table); users the actor can't see count as 0. */
export async function tokenCountsByUser(actor: Actor, userIds: string[]): Promise<Map<string, number>> {
  const visible = can(actor, "tokens:read") ? userIds : userIds.filter((id) => id === actor.userId);
  const counts = new Map<string, number>();
  if (visible.length === 0) return counts;
  const rows = await db()
    .select({ userId: accessTokens.userId, tokens: count() })
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), inArray(accessTokens.userId, visible)))
    .groupBy(accessTokens.userId);
  for (const row of rows) counts.set(row.userId, row.tokens);
  return counts;
}

/**
 * Whose each of the account's tokens is (token id → user id), for showing who
 * acted in NetBird's audit events, where the initiator is the person, not the
 * token. Only for callers who may read the activity log.
 */
export async function tokenOwners(actor: Actor): Promise<Map<string, string>> {
  if (!can(actor, "events:read")) return new Map();
  const rows = await db()
    .select({ id: accessTokens.id, userId: accessTokens.userId })
    .from(accessTokens)
    .where(eq(accessTokens.accountId, actor.accountId));
  return new Map(rows.map((r) => [r.id, r.userId]));
}
