/**
 * Admins' side of invites: create (the link is shown once), list pending,
 * regenerate (the old link stops at once), delete. Invites follow the same
 * rules as creating a user (lib/users/rules.ts).
 */
import "server-only";
import crypto from "node:crypto";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { MAX_PAGE_SIZE, pageOf, type ListParams } from "@/lib/http/list-params";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { actorParty } from "@/lib/audit/actor-party";
import { writeAs } from "@/lib/auth/fresh-actor";
import { recordEvent } from "@/lib/audit/record";
import { mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { db, type Tx } from "@/lib/db/client";
import { invites, retiredInviteTokens, type InviteRow } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { directoryEntries } from "@/lib/users/directory";
import { assertEmailAvailable } from "@/lib/users/email-availability";
import { userLabel } from "@/lib/users/records";
import { assertCanCreateUser } from "@/lib/users/rules";
import { openInvite, sealInvitePii, type InviteRecord } from "./records";
import type { CreateInviteInput } from "./schemas";

export type IssuedInvite = { invite: InviteRecord; token: string };

function loadInviteRow(tx: Tx, accountId: string, inviteId: string): InviteRow {
  const row = tx
    .select()
    .from(invites)
    .where(and(eq(invites.accountId, accountId), eq(invites.id, inviteId)))
    .get();
  if (!row) throw new NotFound("Invite");
  return row;
}

const loadInvite = (tx: Tx, accountId: string, inviteId: string) => openInvite(loadInviteRow(tx, accountId, inviteId));

export function retireInviteToken(tx: Tx, accountId: string, tokenDigest: string, reason: "replaced" | "revoked" | "used", now: Date) {
  tx.insert(retiredInviteTokens).values({ tokenDigest, accountId, reason, retiredAt: now }).onConflictDoNothing().run();
}

export function createInvite(actor: Actor, input: CreateInviteInput, meta: RequestMeta, now = new Date()): IssuedInvite {
  assertCanCreateUser(actor, input.role);
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.invite);
  const inviteId = crypto.randomUUID();
  const invite = writeAs(actor, (tx, me) => {
    assertCanCreateUser(me, input.role);
    assertEmailAvailable(tx, actor.accountId, input.email);
    assertGroupsExist(tx, actor.accountId, input.auto_groups);
    tx.insert(invites)
      .values({
        id: inviteId,
        accountId: actor.accountId,
        ...sealInvitePii(inviteId, input.email, input.name),
        role: input.role,
        autoGroups: [...new Set(input.auto_groups)],
        tokenDigest: digest,
        expiresAt: new Date(now.getTime() + input.expires_in * 1000),
        createdBy: actor.userId,
        createdAt: now,
      })
      .run();
    const created = loadInvite(tx, actor.accountId, inviteId);
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "invite.created",
      actor: actorParty(tx, me),
      target: { type: "invite", id: inviteId, label: created.name || created.email },
      details: { role: created.role, auto_groups: created.autoGroups, expires_at: created.expiresAt.toISOString() },
      meta,
      at: now,
    });
    return created;
  });
  return { invite, token: plain };
}

export type ListedInvite = InviteRecord & { invitedBy: string };

/** Who made an invite, by name; the inviter may have been deleted since. */
export function inviterLabel(accountId: string, userId: string): string {
  const inviter = directoryEntries(accountId).get(userId);
  return inviter ? userLabel(inviter) : FORMER_MEMBER;
}

const FORMER_MEMBER = "a former member of the team";

/**
 * Pending invites, expired ones included (they stay visible until deleted or
 * regenerated), oldest first. Invites are few, so search runs over the decrypted list.
 */
export function listInvites(actor: Actor, params: ListParams = { limit: MAX_PAGE_SIZE, offset: 0 }): { items: ListedInvite[]; total: number } {
  assertCan(actor, "users:read-all");
  const needle = params.search?.toLowerCase();
  const all = db()
    .select()
    .from(invites)
    .where(eq(invites.accountId, actor.accountId))
    .orderBy(asc(invites.createdAt))
    .all()
    .map((row) => {
      const invite = openInvite(row);
      return { ...invite, invitedBy: inviterLabel(actor.accountId, invite.createdBy) };
    })
    .filter((i) => !needle || `${i.name}\n${i.email}\n${i.role}`.toLowerCase().includes(needle));
  return { items: pageOf(all, params), total: all.length };
}

/** After a group is deleted: pending invites no longer assign it. */
export function forgetGroupInInvites(tx: Tx, accountId: string, groupId: string): void {
  tx.run(sql`
    UPDATE invites
       SET auto_groups = (SELECT json_group_array(value) FROM json_each(invites.auto_groups) WHERE value != ${groupId})
     WHERE account_id = ${accountId}
       AND EXISTS (SELECT 1 FROM json_each(invites.auto_groups) WHERE value = ${groupId})`);
}

export function countValidInvites(accountId: string, now = new Date()): number {
  return db()
    .select({ id: invites.id })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), gt(invites.expiresAt, now)))
    .all().length;
}

export function regenerateInvite(
  actor: Actor,
  inviteId: string,
  expiresInSeconds: number,
  meta: RequestMeta,
  now = new Date(),
): IssuedInvite {
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.invite);
  const invite = writeAs(actor, (tx, me) => {
    const row = loadInviteRow(tx, actor.accountId, inviteId);
    assertCanCreateUser(me, row.role);
    retireInviteToken(tx, actor.accountId, row.tokenDigest, "replaced", now);
    tx.update(invites)
      .set({ tokenDigest: digest, expiresAt: new Date(now.getTime() + expiresInSeconds * 1000) })
      .where(and(eq(invites.accountId, actor.accountId), eq(invites.id, inviteId)))
      .run();
    const updated = loadInvite(tx, actor.accountId, inviteId);
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "invite.regenerated",
      actor: actorParty(tx, me),
      target: { type: "invite", id: inviteId, label: updated.name || updated.email },
      details: { expires_at: updated.expiresAt.toISOString() },
      meta,
      at: now,
    });
    return updated;
  });
  return { invite, token: plain };
}

export function deleteInvite(actor: Actor, inviteId: string, meta: RequestMeta, now = new Date()): void {
  writeAs(actor, (tx, me) => {
    const row = loadInviteRow(tx, actor.accountId, inviteId);
    const current = openInvite(row);
    assertCanCreateUser(me, current.role);
    retireInviteToken(tx, actor.accountId, row.tokenDigest, "revoked", now);
    tx.delete(invites).where(and(eq(invites.accountId, actor.accountId), eq(invites.id, inviteId))).run();
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "invite.deleted",
      actor: actorParty(tx, me),
      target: { type: "invite", id: inviteId, label: current.name || current.email },
      meta,
      at: now,
    });
  });
}

/**
 * Withdraws every pending invite a user made (their links stop at once). Called
 * when that user is deleted, blocked or loses the right to invite, so an
 * invite never outlives its inviter's authority.
 */
export function withdrawInvitesBy(tx: Tx, accountId: string, userId: string, now = new Date()): number {
  const rows = tx
    .select({ id: invites.id, tokenDigest: invites.tokenDigest })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), eq(invites.createdBy, userId)))
    .all();
  for (const row of rows) {
    retireInviteToken(tx, accountId, row.tokenDigest, "revoked", now);
    tx.delete(invites).where(eq(invites.id, row.id)).run();
  }
  return rows.length;
}
