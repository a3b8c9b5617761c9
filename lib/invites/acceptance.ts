/**
 * The invited person's side: look an invite up by its link, and accept it by
 * choosing a password. Accepting creates the user with the invite's role and
 * groups and consumes the invite in one transaction, so one link makes one user.
 */
import "server-only";
import { eq } from "drizzle-orm";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/crypto/passwords";
import { digestToken, isWellFormedToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { invites, retiredInviteTokens, type InviteRow } from "@/lib/db/schema";
import { DomainError, Invalid } from "@/lib/errors";
import { groupNamesById } from "@/lib/groups/membership";
import { assertPasswordAllowed } from "@/lib/passwords/policy";
import { consumeRateLimit, type RateLimit } from "@/lib/security/rate-limit";
import { addressLimitKey } from "@/lib/security/address-key";
import { assertEmailAvailable } from "@/lib/users/email-availability";
import { insertUser } from "@/lib/users/lifecycle";
import { usernameBlindIndex } from "@/lib/crypto/blind-index";
import { allocateUsername, assertSettableUsername, assertUsernameAvailable, usernameBaseFor } from "@/lib/users/username";
import { userLabel } from "@/lib/users/records";
import { inviterLabel, retireInviteToken } from "./invites";
import { inviterStillMayInvite, inviterVouchesForEmail } from "./inviter-rule";
import { isExpired, openInvite, type InviteRecord } from "./records";

export type UnusableReason = "unknown" | "used" | "replaced" | "revoked" | "expired";

const MESSAGES: Record<UnusableReason, string> = {
  unknown: "This invite link is not valid. Check that you copied the whole link, or ask an admin for a new one.",
  used: "This invite link has already been used. Sign in instead, or ask an admin for a new invite.",
  replaced: "This invite link was replaced by a newer one. Use the latest link you were sent, or ask an admin for a new one.",
  revoked: "This invite was withdrawn. Ask an admin for a new invite if you still need access.",
  expired: "This invite link has expired. Ask an admin to send you a new one.",
};

/** An invite link that can't be used, and why (404 for a link that doesn't work, 410 once expired). */
export class InviteUnusable extends DomainError {
  readonly status: number;
  constructor(readonly reason: UnusableReason) {
    super(MESSAGES[reason]);
    this.status = reason === "expired" ? 410 : 404;
  }
}

export type InviteView = InviteRecord & { invitedBy: string; valid: boolean };

async function findByToken(token: string): Promise<InviteRow | UnusableReason> {
  // Format and checksum first: garbage never reaches the database.
  if (!isWellFormedToken(token, TOKEN_PREFIXES.invite)) return "unknown";
  const digest = digestToken(token);
  const [row] = await db().select().from(invites).where(eq(invites.tokenDigest, digest)).limit(1);
  if (row) return row;
  const [retired] = await db().select().from(retiredInviteTokens).where(eq(retiredInviteTokens.tokenDigest, digest)).limit(1);
  return retired?.reason ?? "unknown";
}

/** Per client address: the links can't be guessed, but each accept costs a password hash. */
export const INVITE_LOOKUP_LIMIT: RateLimit = {
  name: "invite-lookup",
  points: 60,
  durationSeconds: 60,
  message: "Too many invite requests from your address. Wait a minute and try again.",
};
export const INVITE_ACCEPT_LIMIT: RateLimit = {
  name: "invite-accept",
  points: 10,
  durationSeconds: 300,
  message: "Too many attempts to accept an invite from your address. Wait a few minutes and try again.",
};

/** What the /invite page shows. Expired invites are described (valid: false); other dead links throw. */
export async function lookupInvite(token: string, meta: RequestMeta, now = new Date()): Promise<InviteView> {
  await consumeRateLimit(INVITE_LOOKUP_LIMIT, addressLimitKey(meta.ip));
  return describeInvite(token, now);
}

async function assertInviterStillMayInvite(q: Db | Tx, invite: InviteRecord): Promise<void> {
  if (!(await inviterStillMayInvite(q, invite))) throw new InviteUnusable("revoked");
}

async function describeInvite(token: string, now: Date): Promise<InviteView> {
  const found = await findByToken(token);
  if (typeof found === "string") throw new InviteUnusable(found);
  const invite = openInvite(found);
  await assertInviterStillMayInvite(db(), invite);
  return { ...invite, invitedBy: await inviterLabel(invite.accountId, invite.createdBy), valid: !isExpired(invite, now) };
}

export async function inviteGroupNames(invite: InviteRecord): Promise<string[]> {
  const names = await groupNamesById(db(), invite.accountId);
  return invite.autoGroups.flatMap((id) => names.get(id) ?? []);
}

export async function acceptInvite(
  token: string,
  password: string,
  meta: RequestMeta,
  now = new Date(),
  /**
   * usernames: the username the person chose on the invite page. Needed when the invite names
   * neither a username nor an email (a link handed over by the admin); left out otherwise, the
   * invite's username, else one derived from the email.
   */
  username?: string,
): Promise<{ userId: string; email: string | null; username: string }> {
  await consumeRateLimit(INVITE_ACCEPT_LIMIT, addressLimitKey(meta.ip));
  const view = await describeInvite(token, now);
  if (!view.valid) throw new InviteUnusable("expired");
  const chosen = chosenUsername(view, username);
  await assertPasswordAllowed(password, { ...view, username: chosen ?? view.username }, "password");
  const passwordHash = await hashPassword(password);
  return writeSystem(async (tx) => {
    // Read again under the write lock: of many concurrent accepts, one finds the invite.
    const [row] = await tx.select().from(invites).where(eq(invites.tokenDigest, digestToken(token))).limit(1);
    if (!row) {
      const [retired] = await tx
        .select()
        .from(retiredInviteTokens)
        .where(eq(retiredInviteTokens.tokenDigest, digestToken(token)))
        .limit(1);
      throw new InviteUnusable(retired?.reason ?? "used");
    }
    const invite = openInvite(row);
    await assertInviterStillMayInvite(tx, invite);
    if (isExpired(invite, now)) throw new InviteUnusable("expired");
    if (invite.email) await assertEmailAvailable(tx, invite.accountId, invite.email, { inviteId: invite.id });
    // Checked again here, under the write: another invitee may have taken it since the page was shown
    // (then this one is told in the field, and the invite stays usable for another try).
    const picked = invite.username ?? chosen;
    if (picked) await assertUsernameAvailable(tx, invite.accountId, picked, undefined, { inviteId: invite.id });
    const existingGroups = await groupNamesById(tx, invite.accountId);
    const created = await insertUser(tx, invite.accountId, {
      email: invite.email,
      // Proven only if the inviter could have created them with it (the link went back to its creator too).
      emailVerifiedAt: (await inviterVouchesForEmail(tx, invite)) ? now : null,
      name: invite.name,
      username: picked ?? (await allocateUsername(tx, invite.accountId, usernameBaseFor(invite))),
      role: invite.role,
      isServiceUser: false,
      passwordHash,
      mustChangePassword: false,
      // Groups deleted since the invite was made are dropped rather than failing the person.
      autoGroups: invite.autoGroups.filter((id) => existingGroups.has(id)),
    });
    await tx.delete(invites).where(eq(invites.id, invite.id));
    await retireInviteToken(tx, invite.accountId, row.tokenDigest, "used", now);
    const self = { type: "user" as const, id: created.id, label: userLabel(created) };
    await recordEvent(tx, {
      accountId: invite.accountId,
      action: "invite.accepted",
      actor: self,
      target: { type: "invite", id: invite.id, label: userLabel(created) },
      details: { invited_by: invite.createdBy },
      meta,
      at: now,
    });
    await recordEvent(tx, {
      accountId: invite.accountId,
      action: "user.created",
      actor: self,
      target: { type: "user", id: created.id, label: userLabel(created) },
      details: { role: created.role, auto_groups: created.autoGroups, via: "invite" },
      meta,
      at: now,
    });
    return { userId: created.id, email: created.email, username: created.username };
  });
}

const CHOOSE_USERNAME = "Choose a username: you will sign in with it";

/**
 * The username the invitee asked for, checked against the invite: an invite
 * that names one keeps it (the same one, in any case, is fine), and a link
 * without an email needs one chosen (there is nothing to derive it from).
 */
function chosenUsername(invite: InviteRecord, username: string | undefined): string | undefined {
  if (invite.username) {
    if (username && usernameBlindIndex(username) !== usernameBlindIndex(invite.username)) {
      const message = `This invite is for the username ${invite.username}`;
      throw new Invalid(message, { username: [message] });
    }
    return undefined;
  }
  if (!username && !invite.email) throw new Invalid(CHOOSE_USERNAME, { username: [CHOOSE_USERNAME] });
  if (username) assertSettableUsername(username);
  return username;
}
