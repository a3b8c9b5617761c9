import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { lookupInvite } from "@/lib/invites/acceptance";

type Context = { params: Promise<{ token: string }> };

/** Public: what an invite link is for. Rate limited per client address. */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const invite = await lookupInvite((await params).token, requestMeta(request.headers));
  return Response.json({
    email: invite.email,
    name: invite.name,
    role: invite.role,
    expires_at: invite.expiresAt.toISOString(),
    valid: invite.valid,
    invited_by: invite.invitedBy,
  });
});
