import { toApiGroup, toApiGroupDetail } from "@/lib/groups/api-shape";
import { deleteGroup, renameGroup } from "@/lib/groups/groups";
import { getGroup } from "@/lib/groups/queries";
import { groupInputSchema } from "@/lib/groups/schemas";
import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiGroupDetail(await getGroup(actor, (await params).id)));
});

export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const input = await readJson(request, groupInputSchema);
  return Response.json(toApiGroup(await renameGroup(actor, id, input, requestMeta(request.headers))));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await deleteGroup(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PATCH, OPTIONS } = otherMethods("GET", "PUT", "DELETE");
