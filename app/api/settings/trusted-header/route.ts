import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiSignInSettings } from "@/lib/idp/api-shape";
import { trustedHeaderInputSchema } from "@/lib/idp/schemas";
import { getSignInSettings, updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { otherMethods } from "@/lib/http/methods";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiSignInSettings(await getSignInSettings(actor)).trusted_header);
});

export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, trustedHeaderInputSchema);
  return Response.json(toApiSignInSettings(await updateTrustedHeader(actor, input, requestMeta(request.headers))).trusted_header);
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
