/**
 * Who created each access token, by name and standing. Service-user tokens
 * deliberately outlive the admin who made them; when that admin is blocked or
 * deleted, these are what let another admin find such tokens and decide:
 * the tokens list names each creator and flags a blocked or deleted one, and
 * serviceTokensCreatedBy lists a person's service-user tokens for their page
 * (and GET /api/users/{id}/service-tokens).
 */
import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { recordedLabel } from "@/lib/audit/recorded-label";
import { db } from "@/lib/db/database";
import { accessTokens } from "@/lib/db/schema";
import { Forbidden } from "@/lib/errors";
import { userLabel, usersByIds } from "@/lib/users/records";
import { toTokenRecord, type AccessTokenRecord } from "./records";

export type CreatorStatus = "active" | "blocked" | "deleted";
export type TokenCreator = { id: string; name: string | null; status: CreatorStatus };
export type TokenWithCreator = AccessTokenRecord & { creator: TokenCreator };

/** The creators of these tokens (one lookup per distinct creator). */
export async function withCreators(accountId: string, tokens: AccessTokenRecord[]): Promise<TokenWithCreator[]> {
  const directory = await usersByIds(db(), accountId, tokens.map((t) => t.createdBy));
  const creators = new Map<string, TokenCreator>();
  for (const id of new Set(tokens.map((t) => t.createdBy))) {
    const user = directory.get(id);
    creators.set(
      id,
      user
        ? { id, name: userLabel(user), status: user.isBlocked ? "blocked" : "active" }
        : { id, name: await recordedLabel(accountId, id), status: "deleted" },
    );
  }
  return tokens.map((token) => ({ ...token, creator: creators.get(token.createdBy)! }));
}

export type ServiceTokenOfCreator = TokenWithCreator & { serviceUserName: string };

/**
 * The tokens of service users that this person created, newest first: seeing
 * them needs tokens:read and seeing the service users (service_users:read).
 */
export async function serviceTokensCreatedBy(actor: Actor, creatorId: string): Promise<ServiceTokenOfCreator[]> {
  if (!can(actor, "tokens:read") || !can(actor, "service_users:read")) throw new Forbidden("You can't see service users' tokens");
  const created = await db()
    .select()
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.createdBy, creatorId)))
    .orderBy(desc(accessTokens.createdAt));
  const directory = await usersByIds(db(), actor.accountId, created.map((row) => row.userId));
  const rows = created.filter((row) => directory.get(row.userId)?.isServiceUser === true);
  const tokens = await withCreators(actor.accountId, rows.map(toTokenRecord));
  return tokens.map((t) => ({ ...t, serviceUserName: directory.get(t.userId)?.name ?? "" }));
}

/** Service users (of these) with at least one token whose creator is now blocked or deleted: the Service users list flags them. */
export async function serviceUsersWithOrphanedTokens(actor: Actor, serviceUserIds: string[]): Promise<Set<string>> {
  const flagged = new Set<string>();
  if (!can(actor, "tokens:read") || serviceUserIds.length === 0) return flagged;
  const rows = await db()
    .select()
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), inArray(accessTokens.userId, serviceUserIds)));
  for (const token of await withCreators(actor.accountId, rows.map(toTokenRecord))) {
    if (token.creator.status !== "active") flagged.add(token.userId);
  }
  return flagged;
}
