import { apiActor } from "@/lib/http/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { deleteInvite } from "@/lib/invites/invites";

type Context = { params: Promise<{ id: string }> };

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  deleteInvite(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});
