import { apiActor } from "@/lib/http/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { listUserSessions } from "@/lib/sessions/queries";
import { revokeUserSessions } from "@/lib/users/access-control";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const sessions = listUserSessions(actor, (await params).id);
  return Response.json(
    sessions.map((s) => ({
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
  return Response.json(revokeUserSessions(actor, (await params).id, requestMeta(request.headers)));
});

export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
