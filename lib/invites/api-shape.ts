/** Invites as the REST API returns them (NetBird's user-invite shape, snake_case). */
import type { InviteRecord } from "./records";
import { isExpired } from "./records";

export function toApiInvite(invite: InviteRecord, extra: { invitedBy?: string; token?: string; emailQueued?: boolean } = {}) {
  return {
    id: invite.id,
    // NetBird's schema requires a string: "" for a link handed over without an email.
    email: invite.email ?? "",
    username: invite.username,
    name: invite.name,
    role: invite.role,
    auto_groups: invite.autoGroups,
    invite_expires_at: invite.expiresAt.toISOString(),
    // NetBird's current name for the same instant.
    expires_at: invite.expiresAt.toISOString(),
    created_at: invite.createdAt.toISOString(),
    expired: isExpired(invite),
    ...(extra.invitedBy !== undefined ? { invited_by: extra.invitedBy } : {}),
    // The plain token exists in the create/regenerate response only.
    // invite_link is ours, invite_token NetBird's: the same value.
    ...(extra.token ? { invite_link: extra.token, invite_token: extra.token } : {}),
    ...(extra.emailQueued ? { email_queued: true } : {}),
  };
}
