import { toApiApplication } from "@/lib/applications/api-shape";
import { deleteApplication, updateApplication } from "@/lib/applications/applications";
import { getApplication } from "@/lib/applications/queries";
import { updateApplicationSchema } from "@/lib/applications/schemas";
import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readPatch } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { applicationSchema } from "@/lib/openapi/responses";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiApplication(await getApplication(actor, (await params).id)));
});

const fields = patchFields(updateApplicationSchema, applicationSchema);

/** The fields sent; the others keep their stored values. */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const input = parseOrThrow(updateApplicationSchema, await readPatch(request, fields));
  return Response.json(toApiApplication(await updateApplication(actor, id, input, requestMeta(request.headers))));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await deleteApplication(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PATCH, OPTIONS } = otherMethods("GET", "PUT", "DELETE");
