import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readCreate } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { apiProviderSchema, publicOrigin, toApiProvider } from "@/lib/idp/api-shape";
import { createProvider, listProviders } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { otherMethods } from "@/lib/http/methods";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const origin = publicOrigin(request.headers);
  return Response.json((await listProviders(actor)).map((p) => toApiProvider(p, origin)));
});

const fields = patchFields(providerInputSchema, apiProviderSchema);

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readCreate(request, providerInputSchema, fields);
  const created = await createProvider(actor, input, requestMeta(request.headers));
  return Response.json(toApiProvider(created, publicOrigin(request.headers)));
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
