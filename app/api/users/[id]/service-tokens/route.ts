import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { toApiToken } from "@/lib/tokens/api-shape";
import { serviceTokensCreatedBy } from "@/lib/tokens/creators";

type Context = { params: Promise<{ id: string }> };

/**
 * The service users' tokens this user created (also after the user is
 * deleted: the id is enough). Each has user_id, for
 * DELETE /api/users/{user_id}/tokens/{id}.
 */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const tokens = await serviceTokensCreatedBy(actor, (await params).id);
  return Response.json(tokens.map((t) => ({ ...toApiToken(t), user_id: t.userId, user_name: t.serviceUserName })));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
