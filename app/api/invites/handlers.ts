/**
 * The public invite endpoints, served at our paths (/api/invites/{token}…) and
 * at NetBird's (/api/users/invites/{token}…): one handler each, whatever the
 * path parameter is called.
 */
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { acceptInvite, lookupInvite } from "@/lib/invites/acceptance";
import { acceptInviteSchema } from "@/lib/invites/schemas";

/** What an invite link is for. Rate limited per client address. */
export async function inviteInfoResponse(request: Request, token: string): Promise<Response> {
  const invite = await lookupInvite(token, requestMeta(request.headers));
  return Response.json({
    email: invite.email ?? "",
    username: invite.username,
    name: invite.name,
    role: invite.role,
    expires_at: invite.expiresAt.toISOString(),
    valid: invite.valid,
    invited_by: invite.invitedBy,
  });
}

/** Accept an invite by choosing a password. Rate limited per client address. */
export async function acceptInviteResponse(request: Request, token: string): Promise<Response> {
  const { password, username } = await readJson(request, acceptInviteSchema);
  const accepted = await acceptInvite(token, password, requestMeta(request.headers), undefined, username);
  // NetBird's clients read `success`; ours read the new user's id, email and username.
  return Response.json({ success: true, user_id: accepted.userId, email: accepted.email ?? "", username: accepted.username });
}
