/** NetBird's user rejection: remove someone who waits for an admin's approval. */
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { rejectUser } from "@/lib/users/approval";

type Context = { params: Promise<{ id: string }> };

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await rejectUser(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
