import { can } from "@/lib/auth/policy";
import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readCreate } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { roleSchema } from "@/lib/openapi/responses";
import { toApiRole } from "@/lib/roles/api-shape";
import { getRole, listRoles } from "@/lib/roles/queries";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const roles = await listRoles(actor);
  return Response.json(roles.map(toApiRole), { headers: { "x-total-count": String(roles.length) } });
});

const fields = patchFields(roleInputSchema, roleSchema);

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readCreate(request, roleInputSchema, fields);
  const role = await createRole(actor, input, requestMeta(request.headers));
  // Who holds it is for those who may read roles; the change itself needs only its own permission.
  return Response.json(toApiRole(can(actor, "roles:read") ? await getRole(actor, role.id) : { ...role, holders: [], groups: [] }));
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
