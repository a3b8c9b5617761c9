import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiCurrentUser } from "@/lib/users/api-shape";
import { changeOwnUsername, ownUsernameSchema } from "@/lib/users/own-username";
import { getUser } from "@/lib/users/queries";
import { otherMethods } from "@/lib/http/methods";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiCurrentUser(await getUser(actor, actor.userId), actor));
});

/** usernames: change one's own username, when the owner allows it (403 with the reason otherwise). */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, ownUsernameSchema);
  await changeOwnUsername(actor, input, requestMeta(request.headers));
  return Response.json(toApiCurrentUser(await getUser(actor, actor.userId), actor));
});

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
