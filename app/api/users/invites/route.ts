import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { listParamsSchema } from "@/lib/http/list-params";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { parseOrThrow } from "@/lib/http/validation";
import { toApiInvite } from "@/lib/invites/api-shape";
import { createInvite, listInvites } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { otherMethods } from "@/lib/http/methods";
import { queryParams } from "@/lib/http/query";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const params = parseOrThrow(listParamsSchema, queryParams(new URL(request.url)));
  const { items, total } = await listInvites(actor, params);
  return Response.json(
    items.map((i) => toApiInvite(i, { invitedBy: i.invitedBy })),
    { headers: { "x-total-count": String(total) } },
  );
});

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, createInviteSchema);
  const { invite, token, emailQueued } = await createInvite(actor, input, requestMeta(request.headers));
  return secretResponse(toApiInvite(invite, { token, emailQueued }));
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
