import { apiActor } from "@/lib/http/api-actor";
import { apiRoute } from "@/lib/http/route";
import { toApiCurrentUser } from "@/lib/users/api-shape";
import { getUser } from "@/lib/users/queries";
import { otherMethods } from "@/lib/http/methods";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiCurrentUser(await getUser(actor, actor.userId), actor));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
