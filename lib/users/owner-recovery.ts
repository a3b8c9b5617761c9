/**
 * Getting a locked-out owner back in without editing the database: `npm run
 * recover-owner -- --email X` (run where the data directory and key are, so it
 * is no remote backdoor) issues a one-time link, valid 15 minutes, to
 * /recover, where the owner sets a new password. Using the link ends every
 * session of the owner and their sign-ins at other apps (personal access
 * tokens stay), lifts a sign-in lock on their email, and is recorded;
 * so is issuing it. When a sign-in rule had turned password sign-in off (an
 * identity provider the owner can no longer use), using the link turns it back
 * on, or the new password would not let them in. Only the link token's SHA-256 digest is stored, and a new
 * link replaces any unused older one. A password change made any other way (Profile, a forgot-password link,
 * an admin's reset: ./reactions.ts on `user.password_changed` and `user.password_reset`) ends an unused link,
 * and so does ownership moving away (./lifecycle.ts), so the link stays dead if it comes back.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/crypto/passwords";
import { digestToken, isWellFormedToken, mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { emit, noneEnded } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { ownerRecoveryLinks, signInSettings, users } from "@/lib/db/schema";
import { NotFound, PreconditionFailed } from "@/lib/errors";
import { assertPasswordAllowed } from "@/lib/passwords/policy";
import { findUserRow, findUserRowsByEmail, openIdentity, userLabel } from "./records";
import { clearEverySignInLimit } from "./sign-in-lock";

export const RECOVERY_LINK_MINUTES = 15;
const COMMAND = "npm run recover-owner";

export type IssuedRecoveryLink = { token: string; expiresAt: Date; userId: string; accountId: string };
export type RecoveryLinkState = "valid" | "used" | "expired" | "unknown";

/** A new one-time link for the owner with this email (NotFound when no owner has it). */
export async function issueOwnerRecoveryLink(email: string, now = new Date()): Promise<IssuedRecoveryLink> {
  const owner = (await findUserRowsByEmail(db(), email)).find((row) => row.role === "owner");
  if (!owner) throw new NotFound("Owner with this email");
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.ownerRecovery);
  const expiresAt = new Date(now.getTime() + RECOVERY_LINK_MINUTES * 60_000);
  const id = crypto.randomUUID();
  await writeSystem(async (tx) => {
    const row = await findUserRow(tx, owner.accountId, owner.id);
    if (!row || row.role !== "owner") throw new NotFound("Owner with this email");
    await tx.delete(ownerRecoveryLinks).where(eq(ownerRecoveryLinks.userId, owner.id));
    await tx.insert(ownerRecoveryLinks).values({ id, accountId: owner.accountId, userId: owner.id, tokenDigest: digest, expiresAt, createdAt: now });
    const label = userLabel(openIdentity(row));
    await recordEvent(tx, {
      accountId: owner.accountId,
      action: "user.recovery_link.created",
      actor: { type: "system", id: null, label: COMMAND },
      target: { type: "user", id: owner.id, label },
      details: { link_id: id, expires_at: expiresAt.toISOString() },
      meta: { ip: null, userAgent: COMMAND },
      at: now,
    });
  });
  return { token: plain, expiresAt, userId: owner.id, accountId: owner.accountId };
}

/**
 * Ends the person's unused links, in the caller's transaction: marked expired (not deleted, so /recover says
 * "expired"). A link being used is already marked used in that transaction, so it stays "used".
 */
export async function endUnusedRecoveryLinks(tx: Tx, accountId: string, userId: string, now = new Date()): Promise<void> {
  await tx
    .update(ownerRecoveryLinks)
    .set({ expiresAt: now })
    .where(and(eq(ownerRecoveryLinks.accountId, accountId), eq(ownerRecoveryLinks.userId, userId), isNull(ownerRecoveryLinks.usedAt), gt(ownerRecoveryLinks.expiresAt, now)));
}

async function findLink(q: Db | Tx, token: string) {
  if (!isWellFormedToken(token, TOKEN_PREFIXES.ownerRecovery)) return undefined;
  const [link] = await q.select().from(ownerRecoveryLinks).where(eq(ownerRecoveryLinks.tokenDigest, digestToken(token))).limit(1);
  return link;
}

function stateOf(link: { usedAt: Date | null; expiresAt: Date } | undefined, now: Date): RecoveryLinkState {
  if (!link) return "unknown";
  if (link.usedAt) return "used";
  return link.expiresAt.getTime() <= now.getTime() ? "expired" : "valid";
}

/** A link is for the owner: once its person no longer is (ownership moved, or they are gone), it has run out. */
async function linkState(q: Db | Tx, link: Awaited<ReturnType<typeof findLink>>, now: Date): Promise<RecoveryLinkState> {
  const state = stateOf(link, now);
  if (state !== "valid") return state;
  const person = await findUserRow(q, link!.accountId, link!.userId);
  return person?.role === "owner" ? "valid" : "expired";
}

/** What the /recover page says about a link before anything is submitted. */
export async function recoveryLinkState(token: string, now = new Date()): Promise<RecoveryLinkState> {
  return linkState(db(), await findLink(db(), token), now);
}

function refuse(state: Exclude<RecoveryLinkState, "valid">): never {
  if (state === "unknown") throw new NotFound("Recovery link");
  throw new PreconditionFailed(
    state === "used" ? "This recovery link was already used. Run npm run recover-owner again for a new one." : "This recovery link has expired. Run npm run recover-owner again for a new one.",
  );
}

/** Sets the owner's new password through a valid link, once; the link is spent in the same transaction. */
export async function recoverOwnerWithLink(token: string, newPassword: string, meta: RequestMeta, now = new Date()): Promise<{ userId: string }> {
  const link = await findLink(db(), token);
  const state = stateOf(link, now);
  if (!link || state !== "valid") refuse(state === "valid" ? "unknown" : state);
  const row = await findUserRow(db(), link.accountId, link.userId);
  if (!row) refuse("unknown");
  const identity = openIdentity(row);
  await assertPasswordAllowed(newPassword, identity, "password");
  const passwordHash = await hashPassword(newPassword);
  await writeSystem(async (tx) => {
    // Again under the write lock: two tabs submitting the same link can't both use it.
    const current = await findLink(tx, token);
    const currentState = await linkState(tx, current, now);
    if (currentState !== "valid") refuse(currentState);
    await tx
      .update(ownerRecoveryLinks)
      .set({ usedAt: now })
      .where(and(eq(ownerRecoveryLinks.id, link.id)));
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, link.userId));
    // Every session ends (whoever held one is out), and so do the owner's sign-ins at other apps (a person's, like a
    // session: whoever took the account may hold a refresh token there); personal access tokens stay (automation).
    const ended = noneEnded();
    await emit(tx, "user.password_changed", { accountId: link.accountId, userId: link.userId, revokeTokens: false, endAppGrants: true, ended });
    // A provider rule that no longer lets the owner in: their new password must work.
    const reenabled = await tx
      .update(signInSettings)
      .set({ localLoginEnabled: true, updatedAt: now })
      .where(and(eq(signInSettings.accountId, link.accountId), eq(signInSettings.localLoginEnabled, false)))
      .returning({ accountId: signInSettings.accountId });
    // Every replica's cached sign-in configuration reloads (lib/idp/configuration-version.ts: "sign-in-configuration").
    if (reenabled.length > 0) await bumpCacheVersion(tx, "sign-in-configuration");
    // Every lock that keeps the owner out: their email's, their username's and their second factor's (review 43: only the
    // email's was lifted, so an owner locked under their username, or at the code someone with the old password ran up,
    // stayed out after recovering).
    const unlocked = await clearEverySignInLimit(tx, link.accountId, row, now);
    const label = userLabel(identity);
    await recordEvent(tx, {
      accountId: link.accountId,
      action: "user.recovered",
      actor: { type: "user", id: link.userId, label },
      target: { type: "user", id: link.userId, label },
      details: {
        link_id: link.id,
        sessions_ended: ended.sessions,
        sign_in_unlocked: unlocked.wasLocked || unlocked.hadDelays,
        password_sign_in_turned_on: reenabled.length > 0,
      },
      meta,
      at: now,
    });
  });
  return { userId: link.userId };
}
