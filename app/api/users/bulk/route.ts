import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { bulkUpdateUsers, bulkUsersSchema } from "@/lib/users/bulk";

/** Block, unblock or delete several users; each row's own result (the rules apply per user). */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, bulkUsersSchema);
  const results = await bulkUpdateUsers(actor, input, requestMeta(request.headers));
  return Response.json({ results });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
