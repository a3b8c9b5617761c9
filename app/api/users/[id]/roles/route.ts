import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { toApiUserRoles } from "@/lib/roles/api-shape";
import { setUserRoles } from "@/lib/roles/assignments";
import { getUserRoles } from "@/lib/roles/queries";
import { roleIdsSchema } from "@/lib/roles/schemas";

type Context = { params: Promise<{ id: string }> };

/** The user's roles and, per effective permission, where it comes from. */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiUserRoles(await getUserRoles(actor, (await params).id)));
});

/** Sets all of the user's extra roles: {"role_ids": [...]} (the primary role is the user's `role`). */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const input = await readJson(request, roleIdsSchema);
  return Response.json({ role_ids: await setUserRoles(actor, id, input, requestMeta(request.headers)) });
});

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
