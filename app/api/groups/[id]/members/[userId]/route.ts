import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { setGroupMembership } from "@/lib/users/group-members";

type Context = { params: Promise<{ id: string; userId: string }> };

/** Removes one user from the group (their other groups stay). */
export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id, userId } = await params;
  await setGroupMembership(actor, id, userId, false, requestMeta(request.headers));
  return Response.json({});
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
