import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readPatch } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { apiProviderSchema, publicOrigin, toApiProvider } from "@/lib/idp/api-shape";
import { deleteProvider, getProvider, updateProvider } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(toApiProvider(await getProvider(actor, (await params).id), publicOrigin(request.headers)));
});

const fields = patchFields(providerInputSchema, apiProviderSchema);

/** The fields sent (the others keep their stored values); leave client_secret out to keep the stored one. */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const patch = await readPatch(request, fields);
  return Response.json(toApiProvider(await updateProvider(actor, id, patch, requestMeta(request.headers)), publicOrigin(request.headers)));
});

export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await deleteProvider(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { POST, PATCH, OPTIONS } = otherMethods("GET", "PUT", "DELETE");
