/**
 * DELETE takes an invite's id (withdraw it); GET takes an invite token
 * (NetBird's public invite info path). Both share this segment, as in NetBird.
 */
import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { deleteInvite } from "@/lib/invites/invites";
import { otherMethods } from "@/lib/http/methods";
import { inviteInfoResponse } from "@/app/api/invites/handlers";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => inviteInfoResponse(request, (await params).id));

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await deleteInvite(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PUT, PATCH, OPTIONS } = otherMethods("GET", "DELETE");
