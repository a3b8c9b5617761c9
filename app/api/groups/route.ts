import { toApiGroup } from "@/lib/groups/api-shape";
import { createGroup } from "@/lib/groups/groups";
import { listGroups } from "@/lib/groups/queries";
import { groupFiltersSchema, groupInputSchema } from "@/lib/groups/schemas";
import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { otherMethods } from "@/lib/http/methods";
import { queryParams } from "@/lib/http/query";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const filters = parseOrThrow(groupFiltersSchema, queryParams(new URL(request.url)));
  const { items, total } = await listGroups(actor, filters);
  return Response.json(items.map(toApiGroup), { headers: { "x-total-count": String(total) } });
});

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, groupInputSchema);
  return Response.json(toApiGroup(await createGroup(actor, input, requestMeta(request.headers))));
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
