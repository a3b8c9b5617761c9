/** NetBird's user approval: let in someone who waits for an admin's approval; answers the user. */
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiUser } from "@/lib/users/api-shape";
import { approveUser } from "@/lib/users/approval";

type Context = { params: Promise<{ id: string }> };

export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiUser(await approveUser(actor, (await params).id, requestMeta(request.headers)), actor));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
