import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiUser } from "@/lib/users/api-shape";
import { deleteUser, updateUser } from "@/lib/users/lifecycle";
import { getUser } from "@/lib/users/queries";
import { updateUserRequestSchema } from "@/lib/users/schemas";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiUser(await getUser(actor, (await params).id), actor));
});

/**
 * The NetBird user shape. An owner signed in with a session cookie making someone else the owner adds the
 * proof it's them: "password" (or "code" from their authenticator app when they have no password).
 */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const { password, code, ...input } = await readJson(request, updateUserRequestSchema);
  return Response.json(toApiUser(await updateUser(actor, id, input, requestMeta(request.headers), { password, code }), actor));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await deleteUser(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PATCH, OPTIONS } = otherMethods("GET", "PUT", "DELETE");
