import { apiActor } from "@/lib/http/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiSignInSettings } from "@/lib/idp/api-shape";
import { localSignInSchema } from "@/lib/idp/schemas";
import { getSignInSettings, setLocalSignIn } from "@/lib/idp/sign-in-settings";
import { otherMethods } from "@/lib/http/methods";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiSignInSettings(await getSignInSettings(actor)));
});

/** {"local_login_enabled": bool}; 412 when turning it off would lock the owner out. */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, localSignInSchema);
  return Response.json(toApiSignInSettings(await setLocalSignIn(actor, input, requestMeta(request.headers))));
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
