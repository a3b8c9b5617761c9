import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { setGroupRoles } from "@/lib/roles/assignments";
import { getGroupRoles } from "@/lib/roles/queries";
import { roleIdsSchema } from "@/lib/roles/schemas";

type Context = { params: Promise<{ id: string }> };

/** The roles the group grants its members. */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json({ role_ids: (await getGroupRoles(actor, (await params).id)).map((r) => r.id) });
});

export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const input = await readJson(request, roleIdsSchema);
  return Response.json({ role_ids: await setGroupRoles(actor, id, input, requestMeta(request.headers)) });
});

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
