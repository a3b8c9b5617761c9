/**
 * Creating and deleting access tokens for a user: a person's own tokens, or a
 * service user's tokens managed by admins (./rules.ts). Each change checks the
 * rules on fresh data inside its write transaction and records its activity
 * event there; the plain token leaves in the return value only, and neither
 * it nor its digest goes into the event.
 */
import "server-only";
import { and, count, eq, gt } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { emit } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { accessTokens } from "@/lib/db/schema";
import { Conflict, Forbidden, NotFound } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { loadUser } from "@/lib/users/lifecycle";
import { maySeeUser, seesOthers } from "@/lib/users/visibility";
import type { UserRecord } from "@/lib/users/records";
import { mintAccessToken, tokensMadeBy } from "./access-tokens";
import { loadTokenRow, toTokenRecord, type AccessTokenRecord } from "./records";
import { assertCanManageTokens } from "./rules";
import { resolvePermissions } from "@/lib/auth/effective-permissions";
import { assertMayGrant } from "@/lib/auth/escalation";
import { sortPermissions } from "@/lib/auth/permissions";
import { MAX_TOKENS_PER_USER } from "./limits";
import { createTokenSchema, type CreateTokenInput } from "./schemas";
import { assertProvesItsThem, type FactorProof } from "@/lib/mfa/proof";

/** The token's user as it is now; a user the actor can't see is "not found", as in the queries. */
async function loadTokenOwner(tx: Tx, actor: Actor, userId: string): Promise<UserRecord> {
  if (userId !== actor.userId && !seesOthers(actor)) throw new NotFound("User");
  const user = await loadUser(tx, actor.accountId, userId);
  if (!maySeeUser(actor, user)) throw new NotFound("User");
  return user;
}

export type CreatedToken = { plain: string; token: AccessTokenRecord };

/**
 * When a token creates a token for its own user, the new one ends no later than it, and ends with it when it is
 * deleted (its row names its maker; the foreign key cascades): a leaked token can't leave behind a copy that
 * survives its expiry or its deletion. (Tokens an admin's token makes for service users are managing automation,
 * under the admin's own permissions, and keep their lifetime.)
 */
async function makerToken(tx: Tx, me: Actor, userId: string): Promise<{ id: string; expiresAt: Date } | undefined> {
  if (me.kind !== "token" || me.userId !== userId) return undefined;
  const [maker] = await tx
    .select({ id: accessTokens.id, expiresAt: accessTokens.expiresAt })
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, me.accountId), eq(accessTokens.id, me.tokenId)))
    .limit(1);
  return maker;
}

/** A user holds at most MAX_TOKENS_PER_USER unexpired tokens (each is a row every listing and lookup reads). */
async function assertRoomForToken(tx: Tx, accountId: string, userId: string, now = new Date()): Promise<void> {
  const [held] = await tx
    .select({ n: count() })
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, accountId), eq(accessTokens.userId, userId), gt(accessTokens.expiresAt, now)));
  if (Number(held?.n ?? 0) < MAX_TOKENS_PER_USER) return;
  const max = String(MAX_TOKENS_PER_USER);
  throw new Conflict(`This user already has ${max} access tokens, the most one user may hold: delete one that is no longer used`).keyed("tooManyTokens", { max });
}

/**
 * A new access token for userId. A session making one for its own person proves it's them first, as for a
 * new passkey (lib/mfa/proof.ts: the password, else a code from the app, else a recent sign-in): a token
 * acts on its own for up to a year, and a new password or "sign out everywhere else" doesn't end it, so a
 * stolen cookie mustn't be able to leave one behind. A token making one is bounded by its own expiry
 * (makerExpiry); an admin making a service user's token is managing automation.
 */
export async function createAccessToken(actor: Actor, userId: string, input: CreateTokenInput, meta: RequestMeta, proof?: FactorProof): Promise<CreatedToken> {
  // Parsed again here so no caller can store an untrimmed, empty or overlong name or an unbounded expiry.
  const { name, expires_in, permissions } = parseOrThrow(createTokenSchema, input);
  if (actor.kind === "session" && actor.userId === userId) await assertProvesItsThem(actor, proof, "token.create", meta);
  // The rules run on the actor as it is under the write lock (a demotion or block in flight stops this).
  return write(actor, async (tx, me) => {
    const owner = await loadTokenOwner(tx, me, userId);
    assertCanManageTokens(me, owner);
    const [taken] = await tx
      .select({ id: accessTokens.id })
      .from(accessTokens)
      .where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.userId, userId), eq(accessTokens.name, name)))
      .limit(1);
    if (taken) {
      // Said at the Name field of the form (and named in the API's "errors").
      const message = `A token named "${name}" already exists for this user`;
      throw new Conflict(message, { name: [message] }).keyed("tokenNameTaken", { name });
    }
    await assertRoomForToken(tx, actor.accountId, userId);
    // Nobody grants what they don't hold: a scoped token holds its list, an unscoped one all its owner holds now.
    const ownerHolds = await resolvePermissions(tx, { accountId: actor.accountId, userId, role: owner.role });
    if (!permissions) assertMayGrant(me, ownerHolds);
    else {
      // Narrowing only: within what the owner holds now, and nothing the creator couldn't grant.
      const beyond = permissions.filter((p) => !ownerHolds.has(p));
      if (beyond.length > 0) {
        const list = beyond.join(", ");
        throw new Forbidden(`A token can't hold permissions its owner doesn't: ${list}`).keyed("tokenPermissionsBeyondOwner", { permissions: list });
      }
      assertMayGrant(me, permissions);
    }
    const maker = await makerToken(tx, me, userId);
    const { plain, row } = await mintAccessToken(tx, {
      accountId: actor.accountId,
      userId,
      name,
      expiresInDays: expires_in,
      notAfter: maker?.expiresAt,
      madeByTokenId: maker?.id,
      createdBy: me.userId,
      permissions: permissions ?? null,
    });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "token.created",
      actor: me,
      target: { type: "token", id: row.id, label: row.name },
      details: {
        user_id: userId,
        service_user: owner.isServiceUser,
        expires_in_days: expires_in,
        expires_at: row.expiresAt.toISOString(),
        // The days asked, when its maker ends sooner, are not its lifetime (review 22: the log read "365 days" for a token ending the next day).
        ...(maker && row.expiresAt.getTime() < row.createdAt.getTime() + expires_in * 86_400_000 && { ends_with_token: maker.id }),
        permissions: permissions ? sortPermissions(permissions) : "all",
      },
      meta,
    });
    // email: the person gets a security notice (lib/mail reacts; service users have no inbox).
    if (!owner.isServiceUser) await emit(tx, "user.access_token_created", { accountId: actor.accountId, userId, tokenName: row.name });
    return { plain, token: toTokenRecord(row) };
  });
}

export async function deleteAccessToken(actor: Actor, userId: string, tokenId: string, meta: RequestMeta): Promise<void> {
  await write(actor, async (tx, me) => {
    const owner = await loadTokenOwner(tx, me, userId);
    assertCanManageTokens(me, owner, "delete");
    const row = await loadTokenRow(tx, actor.accountId, userId, tokenId);
    // The actor is described before the delete, so a token deleting itself is still named in its event.
    const party = await actorParty(tx, me);
    const madeTokens = await tokensMadeBy(tx, row.id);
    await tx.delete(accessTokens).where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.id, row.id)));
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "token.deleted",
      actor: party,
      target: { type: "token", id: row.id, label: row.name },
      details: { user_id: userId, service_user: owner.isServiceUser, ...(madeTokens > 0 ? { made_tokens_deleted: madeTokens } : {}) },
      meta,
    });
  });
}
