import { apiActor } from "@/lib/sign-in/api-actor";
import { listParamsSchema } from "@/lib/http/list-params";
import { otherMethods } from "@/lib/http/methods";
import { queryParams } from "@/lib/http/query";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { toApiRetiredUsername } from "@/lib/users/api-shape";
import { listRetiredUsernames } from "@/lib/users/retired-usernames";

/** The usernames held back after a deletion or a rename, most recently freed first; `search` is a whole username. Total in X-Total-Count. */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const params = parseOrThrow(listParamsSchema, queryParams(new URL(request.url)));
  const { items, total } = await listRetiredUsernames(actor, params);
  return Response.json(items.map(toApiRetiredUsername), { headers: { "x-total-count": String(total) } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
