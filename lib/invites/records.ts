/** Invite rows with their personal data sealed (as users': see lib/users/records.ts). */
import "server-only";
import { SYSTEM_USER_ID } from "@/lib/auth/system-actor";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { emailBlindIndex, usernameBlindIndex } from "@/lib/crypto/blind-index";
import type { InviteRow, Role } from "@/lib/db/schema";

export type InviteRecord = {
  id: string;
  accountId: string;
  /** usernames: null for a link handed over by the admin without an email. */
  email: string | null;
  name: string;
  /** usernames: the username the admin chose; null: the invitee picks it on the invite page. */
  username: string | null;
  role: Role;
  autoGroups: string[];
  expiresAt: Date;
  createdBy: string;
  createdAt: Date;
};

const field = (rowId: string, column: string) => ({ table: "invites", column, rowId });

export function sealInvitePii(inviteId: string, email: string | null | undefined, name: string, username?: string | null) {
  return {
    emailCiphertext: email ? encryptField(email.trim(), field(inviteId, "email")) : null,
    emailIndex: email ? emailBlindIndex(email) : null,
    nameCiphertext: encryptField(name, field(inviteId, "name")),
    usernameCiphertext: username ? encryptField(username.trim(), field(inviteId, "username")) : null,
    usernameIndex: username ? usernameBlindIndex(username.trim()) : null,
  };
}

/** How an invite is named in lists and the activity log. */
export function inviteLabel(invite: Pick<InviteRecord, "name" | "email" | "username">): string {
  return invite.name || invite.email || invite.username || "";
}

export function openInvite(row: InviteRow): InviteRecord {
  return {
    id: row.id,
    accountId: row.accountId,
    email: row.emailCiphertext ? decryptField(row.emailCiphertext, field(row.id, "email")) : null,
    name: decryptField(row.nameCiphertext, field(row.id, "name")),
    username: row.usernameCiphertext ? decryptField(row.usernameCiphertext, field(row.id, "username")) : null,
    role: row.role,
    autoGroups: row.autoGroups,
    expiresAt: row.expiresAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/**
 * Whether an operator's command on the server made the invite (created by the system actor, lib/auth/system-actor.ts:
 * `npm run users -- import --invite-without-password`), not a person of the team: the invite page, the Invites list
 * and the mail name the instance's operator, and the inviter rule (./inviter-rule.ts) judges it on the operator.
 */
export function madeByOperator(invite: Pick<InviteRecord, "createdBy">): boolean {
  return invite.createdBy === SYSTEM_USER_ID;
}

export function isExpired(invite: { expiresAt: Date }, now = new Date()): boolean {
  return invite.expiresAt.getTime() <= now.getTime();
}

/** How long an expired invite stays listed, to renew, before the maintenance pass removes it (./expired.ts). */
export const EXPIRED_INVITE_KEEP_DAYS = 30;
export const EXPIRED_INVITE_KEEP_MS = EXPIRED_INVITE_KEEP_DAYS * 86_400_000;

/** When an invite that expired at `expiresAt` is removed. */
export function expiredInviteRemovedAt(expiresAt: Date): Date {
  return new Date(expiresAt.getTime() + EXPIRED_INVITE_KEEP_MS);
}
