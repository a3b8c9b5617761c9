import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiToken } from "@/lib/tokens/api-shape";
import { withCreators } from "@/lib/tokens/creators";
import { deleteAccessToken } from "@/lib/tokens/personal-tokens";
import { getAccessToken } from "@/lib/tokens/queries";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string; tokenId: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id, tokenId } = await params;
  return Response.json(toApiToken((await withCreators(actor.accountId, [await getAccessToken(actor, id, tokenId)]))[0]));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id, tokenId } = await params;
  await deleteAccessToken(actor, id, tokenId, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PUT, PATCH, OPTIONS } = otherMethods("GET", "DELETE");
