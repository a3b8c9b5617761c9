/** Invite rows with their personal data sealed (as users': see lib/users/records.ts). */
import "server-only";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import type { InviteRow, Role } from "@/lib/db/schema";

export type InviteRecord = {
  id: string;
  accountId: string;
  email: string;
  name: string;
  role: Role;
  autoGroups: string[];
  expiresAt: Date;
  createdBy: string;
  createdAt: Date;
};

const field = (rowId: string, column: string) => ({ table: "invites", column, rowId });

export function sealInvitePii(inviteId: string, email: string, name: string) {
  return {
    emailCiphertext: encryptField(email.trim(), field(inviteId, "email")),
    emailIndex: emailBlindIndex(email),
    nameCiphertext: encryptField(name, field(inviteId, "name")),
  };
}

export function openInvite(row: InviteRow): InviteRecord {
  return {
    id: row.id,
    accountId: row.accountId,
    email: decryptField(row.emailCiphertext, field(row.id, "email")),
    name: decryptField(row.nameCiphertext, field(row.id, "name")),
    role: row.role,
    autoGroups: row.autoGroups,
    expiresAt: row.expiresAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export function isExpired(invite: { expiresAt: Date }, now = new Date()): boolean {
  return invite.expiresAt.getTime() <= now.getTime();
}
