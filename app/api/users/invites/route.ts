import { apiActor } from "@/lib/http/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiInvite } from "@/lib/invites/api-shape";
import { createInvite, listInvites } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const items = listInvites(actor);
  return Response.json(items.map((i) => toApiInvite(i, { invitedBy: i.invitedBy })), { headers: { "x-total-count": String(items.length) } });
});

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, createInviteSchema);
  const { invite, token } = createInvite(actor, input, requestMeta(request.headers));
  return Response.json(toApiInvite(invite, { token }));
});
