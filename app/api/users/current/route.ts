import { apiActor } from "@/lib/http/api-actor";
import { apiRoute } from "@/lib/http/route";
import { toApiCurrentUser } from "@/lib/users/api-shape";
import { getUser } from "@/lib/users/queries";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiCurrentUser(getUser(actor, actor.userId), actor));
});
