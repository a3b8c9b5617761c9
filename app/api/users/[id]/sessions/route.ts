import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { listUserSessions } from "@/lib/sessions/queries";
import { parseOrThrow } from "@/lib/http/validation";
import { revokeSessionsSchema, revokeUserSessions } from "@/lib/users/access-control";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const sessions = await listUserSessions(actor, (await params).id);
  return Response.json(
    sessions.map((s) => ({
      id: s.id,
      created_at: s.createdAt.toISOString(),
      last_seen_at: s.lastSeenAt.toISOString(),
      expires_at: s.expiresAt.toISOString(),
      ip: s.ip,
      user_agent: s.userAgent,
      is_current: s.current,
    })),
  );
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  // DELETE carries no body: the choice to end the person's access tokens too is `?revoke_tokens=true`.
  const flag = new URL(request.url).searchParams.get("revoke_tokens");
  const input = parseOrThrow(revokeSessionsSchema, { revoke_tokens: flag === null ? undefined : flag === "true" ? true : flag === "false" ? false : flag });
  return Response.json(await revokeUserSessions(actor, (await params).id, input, requestMeta(request.headers)));
});

export const { POST, PUT, PATCH, OPTIONS } = otherMethods("GET", "DELETE");
