import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { groupMemberSchema, setGroupMembership } from "@/lib/users/group-members";

type Context = { params: Promise<{ id: string }> };

/** Adds one user to the group (their other groups stay). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { user_id } = await readJson(request, groupMemberSchema);
  await setGroupMembership(actor, (await params).id, user_id, true, requestMeta(request.headers));
  return Response.json({});
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
