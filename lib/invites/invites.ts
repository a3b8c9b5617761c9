/**
 * Admins' side of invites: create (the link is shown once), list pending,
 * regenerate (the old link stops at once), delete. Invites follow the same
 * rules as creating a user (lib/users/rules.ts).
 */
import "server-only";
import crypto from "node:crypto";
import { and, asc, count, eq, gt, inArray } from "drizzle-orm";
import { MAX_PAGE_SIZE, pageOf, type ListParams } from "@/lib/http/list-params";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertMayGrant, assertMayPutInGroups } from "@/lib/auth/escalation";
import { assertCan } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { dropUnsentForInvite } from "@/lib/data/outbox";
import { write } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { invites, retiredInviteTokens, type InviteRow, type Role } from "@/lib/db/schema";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { Conflict, NotFound, PreconditionFailed } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { queueMail } from "@/lib/mail/delivery";
import { assertMailEnabled, mailStatus } from "@/lib/mail/settings";
import { mailLocaleOf } from "@/lib/mail/language";
import { inviteMail } from "@/lib/mail/templates";
import { assertEmailAvailable } from "@/lib/users/email-availability";
import { userLabel, usersByIds } from "@/lib/users/records";
import { inviteMailLimit } from "@/lib/security/limits";
import { countWithinLimit, rateLimitRefusal } from "@/lib/security/rate-limit";
import { assertCanInvite } from "@/lib/users/rules";
import { mayListHeldBack } from "@/lib/users/retired-usernames";
import { assertUsernameAvailable } from "@/lib/users/username";
import { grantWithin, invitingPermissions, permissionsInviteGives } from "./inviter-rule";
import { MAX_PENDING_INVITES_PER_INVITER } from "./limits";
import { inviteLabel, madeByOperator, openInvite, sealInvitePii, type InviteRecord } from "./records";
import type { CreateInviteInput } from "./schemas";

/** emailQueued: the link went into the outbox for the invitee (sent after the commit, retried while the mail server is down). */
export type IssuedInvite = { invite: InviteRecord; token: string; emailQueued: boolean };

/** email: queues the invite's link to the invitee, in the unit of work that made the link. */
async function queueInviteMail(tx: Tx, me: Actor, invite: InviteRecord, token: string): Promise<void> {
  // usernames: said first, as it holds whether or not mail is set up.
  if (!invite.email) throw new PreconditionFailed("This invite has no email address: regenerate its link and hand it over instead");
  const status = await mailStatus(tx, me.accountId);
  assertMailEnabled(status);
  // The invitee's hourly budget (lib/security/limits.ts), keyed by the address's blind index (no address in plain text).
  const limit = inviteMailLimit();
  const budget = await countWithinLimit(tx, limit, emailBlindIndex(invite.email));
  if (!budget.within) throw rateLimitRefusal(limit, budget.retryAfterSeconds);
  // The person, as the invite page names them: not the activity log's 'Name (token "…")' of a script's call.
  // An operator's command (the system actor) is nobody the invitee knows: the mail says the instance's operator,
  // as the invite page does, also when an admin resends such an invite.
  const inviter = me.kind === "system" || madeByOperator(invite) ? null : await inviterLabel(me.accountId, me.userId, tx);
  await queueMail(tx, {
    accountId: me.accountId,
    to: invite.email,
    kind: "invite",
    for: { inviteId: invite.id },
    // In the inviter's language (the invitee has made no choice yet); the instance's for a system actor.
    mail: inviteMail(await mailLocaleOf(tx, me.accountId, me.kind === "system" ? null : me.userId), { publicUrl: status.publicUrl!, brand: status.brand, name: invite.name || null, inviter, link: `${status.publicUrl}/invite?token=${encodeURIComponent(token)}`, expiresAt: invite.expiresAt }),
  });
}

async function loadInviteRow(tx: Tx, accountId: string, inviteId: string): Promise<InviteRow> {
  const [row] = await tx
    .select()
    .from(invites)
    .where(and(eq(invites.accountId, accountId), eq(invites.id, inviteId)))
    .limit(1);
  if (!row) throw new NotFound("Invite");
  return row;
}

const loadInvite = async (tx: Tx, accountId: string, inviteId: string) => openInvite(await loadInviteRow(tx, accountId, inviteId));

/** Why a link stopped working, as the invite page says it (./acceptance.ts). */
type RetiredReason = (typeof retiredInviteTokens.$inferInsert)["reason"];

export async function retireInviteToken(tx: Tx, accountId: string, tokenDigest: string, reason: RetiredReason, now: Date): Promise<void> {
  await tx.insert(retiredInviteTokens).values({ tokenDigest, accountId, reason, retiredAt: now }).onConflictDoNothing();
}

/**
 * Who may issue (or renew) an invite: everything it gives (./inviter-rule.ts permissionsInviteGives, the
 * rule acceptance and withdrawal apply too) must be the actor's to give, judged on the actor as they are
 * now; renewing an invite issues it again.
 */
async function assertMayIssueInvite(tx: Tx, me: Actor, role: Role, autoGroups: readonly string[]): Promise<void> {
  assertCanInvite(me, role);
  assertMayPutInGroups(me, autoGroups);
  assertMayGrant(me, await permissionsInviteGives(tx, me.accountId, { role, autoGroups }));
}

async function pendingInvitesOf(q: Db | Tx, accountId: string, inviterId: string): Promise<number> {
  const [pending] = await q
    .select({ n: count() })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), eq(invites.createdBy, inviterId)));
  return Number(pending?.n ?? 0);
}

/**
 * How many more invites this inviter may have pending now (./limits.ts): the import says it before its batches
 * (lib/ops/users-import.ts), whose checks are each rolled back and so never see the earlier batches' invites.
 */
export async function inviteRoomOf(accountId: string, inviterId: string): Promise<number> {
  return Math.max(0, MAX_PENDING_INVITES_PER_INVITER - (await pendingInvitesOf(db(), accountId, inviterId)));
}

/** An inviter has at most MAX_PENDING_INVITES_PER_INVITER pending invites (./limits.ts). */
async function assertRoomForInvite(tx: Tx, accountId: string, inviterId: string): Promise<void> {
  if ((await pendingInvitesOf(tx, accountId, inviterId)) < MAX_PENDING_INVITES_PER_INVITER) return;
  const max = String(MAX_PENDING_INVITES_PER_INVITER);
  throw new Conflict(`You already have ${max} pending invites, the most one person may have: delete ones that are no longer needed`).keyed("tooManyInvites", { max });
}

export async function createInvite(actor: Actor, input: CreateInviteInput, meta: RequestMeta, now = new Date()): Promise<IssuedInvite> {
  assertCanInvite(actor, input.role);
  const issued = await write(actor, (tx, me) => createInviteIn(tx, me, input, meta, now));
  return { ...issued, emailQueued: input.send_email };
}

/**
 * createInvite's rules and writes inside a unit of work the caller opened: the one create path, shared by
 * createInvite and the import of people from another identity provider (lib/ops/users-import.ts, whose rows
 * without a password become invites). Every check reads under `me` (the actor re-read by write()); a refusal
 * comes before the first write, so it leaves the transaction usable. The mail (send_email) goes into the
 * outbox in tx: sent after the commit, never for a unit rolled back.
 */
export async function createInviteIn(tx: Tx, me: Actor, input: CreateInviteInput, meta: RequestMeta, now = new Date()): Promise<{ invite: InviteRecord; token: string }> {
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.invite);
  const inviteId = crypto.randomUUID();
  await assertMayIssueInvite(tx, me, input.role, input.auto_groups);
  if (input.email) await assertEmailAvailable(tx, me.accountId, input.email);
  // usernames: a username named here is kept for this invite until it is accepted or withdrawn.
  if (input.username) await assertUsernameAvailable(tx, me.accountId, input.username, undefined, { explainHeldBack: mayListHeldBack(me) });
  await assertGroupsExist(tx, me.accountId, input.auto_groups);
  await assertRoomForInvite(tx, me.accountId, me.userId);
  await tx.insert(invites).values({
    id: inviteId,
    accountId: me.accountId,
    ...sealInvitePii(inviteId, input.email, input.name, input.username),
    role: input.role,
    autoGroups: [...new Set(input.auto_groups)],
    tokenDigest: digest,
    expiresAt: new Date(now.getTime() + input.expires_in * 1000),
    // The system actor's id (lib/auth/system-actor.ts SYSTEM_USER_ID) for an operator's command: no person.
    createdBy: me.userId,
    createdAt: now,
  });
  const created = await loadInvite(tx, me.accountId, inviteId);
  await recordEvent(tx, {
    accountId: me.accountId,
    action: "invite.created",
    actor: me,
    target: { type: "invite", id: inviteId, label: inviteLabel(created) },
    details: { role: created.role, auto_groups: created.autoGroups, expires_at: created.expiresAt.toISOString(), ...(created.email ? {} : { link_only: true }) },
    meta,
    at: now,
  });
  if (input.send_email) await queueInviteMail(tx, me, created, plain);
  return { invite: created, token: plain };
}

export type ListedInvite = InviteRecord & { invitedBy: string };

/** Who made an invite, by name; the inviter may have been deleted since. */
export async function inviterLabel(accountId: string, userId: string, q: Db | Tx = db()): Promise<string> {
  if (madeByOperator({ createdBy: userId })) return OPERATOR_INVITER;
  const inviter = (await usersByIds(q, accountId, [userId])).get(userId);
  return inviter ? userLabel(inviter) : FORMER_MEMBER;
}

const FORMER_MEMBER = "a former member of the team";

/**
 * Who an invite made by an operator's command (`npm run users -- import`, as the system actor) names as its
 * inviter, in the API's invited_by: the operator on the server, not a person of the team (the owner didn't make
 * it). The dashboard and the invite page say it in the reader's language (madeByOperator).
 */
export const OPERATOR_INVITER = "the operator (command line)";

/**
 * Pending invites, expired ones included (they stay visible until deleted or
 * regenerated), oldest first. Invites are few, so search runs over the decrypted list.
 */
export async function listInvites(
  actor: Actor,
  params: ListParams = { limit: MAX_PAGE_SIZE, offset: 0 },
): Promise<{ items: ListedInvite[]; total: number }> {
  assertCan(actor, "invites:read");
  const needle = params.search?.toLowerCase();
  const rows = await db().select().from(invites).where(eq(invites.accountId, actor.accountId)).orderBy(asc(invites.createdAt));
  const directory = await usersByIds(db(), actor.accountId, rows.map((row) => row.createdBy));
  const all = rows
    .map((row) => {
      const invite = openInvite(row);
      const inviter = directory.get(invite.createdBy);
      return { ...invite, invitedBy: madeByOperator(invite) ? OPERATOR_INVITER : inviter ? userLabel(inviter) : FORMER_MEMBER };
    })
    .filter((i) => !needle || `${i.name}\n${i.email ?? ""}\n${i.username ?? ""}\n${i.role}`.toLowerCase().includes(needle));
  return { items: pageOf(all, params), total: all.length };
}

/** After a group is deleted: pending invites no longer assign it. */
export async function forgetGroupInInvites(tx: Tx, accountId: string, groupId: string): Promise<void> {
  // Filtered here rather than with SQLite's json_each, so it runs on both dialects; invites are few.
  const rows = await tx.select({ id: invites.id, autoGroups: invites.autoGroups }).from(invites).where(eq(invites.accountId, accountId));
  for (const row of rows) {
    if (!row.autoGroups.includes(groupId)) continue;
    await tx
      .update(invites)
      .set({ autoGroups: row.autoGroups.filter((id) => id !== groupId) })
      .where(and(eq(invites.accountId, accountId), eq(invites.id, row.id)));
  }
}

export async function countValidInvites(accountId: string, now = new Date()): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), gt(invites.expiresAt, now)));
  return row?.n ?? 0;
}

export async function regenerateInvite(
  actor: Actor,
  inviteId: string,
  expiresInSeconds: number,
  meta: RequestMeta,
  now = new Date(),
  options: { sendEmail?: boolean } = {},
): Promise<IssuedInvite> {
  const { plain, digest } = mintSecretToken(TOKEN_PREFIXES.invite);
  const invite = await write(actor, async (tx, me) => {
    const row = await loadInviteRow(tx, actor.accountId, inviteId);
    await assertMayIssueInvite(tx, me, row.role, row.autoGroups);
    // A new link handed back to its renewer makes the invite theirs: the inviter rule and the email's vouching
    // (./inviter-rule.ts) are judged on whoever holds the link. A resend mails it to the invitee alone.
    const inviter = options.sendEmail ? row.createdBy : me.userId;
    if (inviter !== row.createdBy) await assertRoomForInvite(tx, actor.accountId, inviter);
    await retireInviteToken(tx, actor.accountId, row.tokenDigest, "replaced", now);
    // A mail with the old link not sent yet would arrive with a dead link (after the new one, if resent).
    await dropUnsentForInvite(tx, actor.accountId, inviteId);
    await tx
      .update(invites)
      .set({ tokenDigest: digest, expiresAt: new Date(now.getTime() + expiresInSeconds * 1000), createdBy: inviter })
      .where(and(eq(invites.accountId, actor.accountId), eq(invites.id, inviteId)));
    const updated = await loadInvite(tx, actor.accountId, inviteId);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "invite.regenerated",
      actor: me,
      target: { type: "invite", id: inviteId, label: inviteLabel(updated) },
      details: {
        expires_at: updated.expiresAt.toISOString(),
        ...(options.sendEmail ? { sent_by_email: true } : {}),
        ...(inviter !== row.createdBy ? { invited_by: { from: row.createdBy, to: inviter } } : {}),
      },
      meta,
      at: now,
    });
    if (options.sendEmail) await queueInviteMail(tx, me, updated, plain);
    return updated;
  });
  return { invite, token: plain, emailQueued: options.sendEmail === true };
}

/** email: Resend — a fresh link to the invitee by email; the old link stops working. */
export async function resendInvite(actor: Actor, inviteId: string, expiresInSeconds: number, meta: RequestMeta, now = new Date()): Promise<IssuedInvite> {
  return regenerateInvite(actor, inviteId, expiresInSeconds, meta, now, { sendEmail: true });
}

export async function deleteInvite(actor: Actor, inviteId: string, meta: RequestMeta, now = new Date()): Promise<void> {
  await write(actor, async (tx, me) => {
    const row = await loadInviteRow(tx, actor.accountId, inviteId);
    const current = openInvite(row);
    assertCan(me, "invites:delete", "You don't have permission to withdraw invites");
    await withdrawInviteRow(tx, actor.accountId, row, now);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "invite.deleted",
      actor: me,
      target: { type: "invite", id: inviteId, label: inviteLabel(current) },
      meta,
      at: now,
    });
  });
}

/** Removes an invite, its link remembered as withdrawn (or `reason`: expired) so the invite page can say so. */
export async function withdrawInviteRow(tx: Tx, accountId: string, row: { id: string; tokenDigest: string }, now: Date, reason: RetiredReason = "revoked"): Promise<void> {
  await retireInviteToken(tx, accountId, row.tokenDigest, reason, now);
  await tx.delete(invites).where(and(eq(invites.accountId, accountId), eq(invites.id, row.id)));
}

/**
 * Withdraws every pending invite a user made (their links stop at once). Called
 * when that user is deleted or blocked, so an invite never outlives its inviter.
 */
export async function withdrawInvitesBy(tx: Tx, accountId: string, userId: string, now = new Date()): Promise<number> {
  const rows = await tx
    .select({ id: invites.id, tokenDigest: invites.tokenDigest })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), eq(invites.createdBy, userId)));
  for (const row of rows) await withdrawInviteRow(tx, accountId, row, now);
  return rows.length;
}

/**
 * Withdraws the pending invites their inviters may no longer give (./inviter-rule.ts: the inviter lost
 * invites:create, or a permission the invite's role or groups give), among the invites of userIds, or
 * of everyone in the account when a change could touch anyone (a role edited or deleted, a group's roles).
 * Returns the withdrawn count per inviter (only those with any).
 */
export async function withdrawInvitesInvitersMayNoLongerGive(tx: Tx, accountId: string, userIds?: readonly string[], now = new Date()): Promise<Map<string, number>> {
  if (userIds && userIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: invites.id, tokenDigest: invites.tokenDigest, createdBy: invites.createdBy, role: invites.role, autoGroups: invites.autoGroups })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), userIds ? inArray(invites.createdBy, [...userIds]) : undefined));
  const inviters = new Map<string, Awaited<ReturnType<typeof invitingPermissions>>>();
  const withdrawn = new Map<string, number>();
  for (const row of rows) {
    if (!inviters.has(row.createdBy)) inviters.set(row.createdBy, await invitingPermissions(tx, accountId, row.createdBy));
    const held = inviters.get(row.createdBy);
    if (held && (await grantWithin(tx, accountId, held, row))) continue;
    await withdrawInviteRow(tx, accountId, row, now);
    withdrawn.set(row.createdBy, (withdrawn.get(row.createdBy) ?? 0) + 1);
  }
  return withdrawn;
}
