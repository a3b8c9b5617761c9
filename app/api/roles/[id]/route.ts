import { can } from "@/lib/auth/policy";
import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readPatch } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { roleSchema } from "@/lib/openapi/responses";
import { toApiRole } from "@/lib/roles/api-shape";
import { getRole } from "@/lib/roles/queries";
import { deleteRole, updateRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiRole(await getRole(actor, (await params).id)));
});

const fields = patchFields(roleInputSchema, roleSchema);

/** The fields sent (name, description, permissions); the others keep their stored values. */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const role = await updateRole(actor, id, await readPatch(request, fields), requestMeta(request.headers));
  // Who holds it is for those who may read roles; the change itself needs only its own permission.
  return Response.json(toApiRole(can(actor, "roles:read") ? await getRole(actor, role.id) : { ...role, holders: [], groups: [] }));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await deleteRole(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PATCH, OPTIONS } = otherMethods("GET", "PUT", "DELETE");
