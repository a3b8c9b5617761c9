import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readPatch } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { apiSignInSettingsSchema, toApiSignInSettings } from "@/lib/idp/api-shape";
import { signInSwitchesSchema } from "@/lib/idp/schemas";
import { getSignInSettings, setLocalSignIn, setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { otherMethods } from "@/lib/http/methods";
import { parseOrThrow } from "@/lib/http/validation";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiSignInSettings(await getSignInSettings(actor)));
});

/** What a PUT may name: the two switches, and trusted_header from the GET answer (ignored: it has its own route). */
const fields = patchFields(signInSwitchesSchema, apiSignInSettingsSchema);

/**
 * {"local_login_enabled": bool, "users_may_change_username": bool}, either or both; 412 when
 * turning password sign-in off would lock the owner out.
 */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = parseOrThrow(signInSwitchesSchema, await readPatch(request, fields));
  const meta = requestMeta(request.headers);
  let settings = input.local_login_enabled === undefined ? undefined : await setLocalSignIn(actor, { local_login_enabled: input.local_login_enabled }, meta);
  if (input.users_may_change_username !== undefined) settings = await setUsernameChangeAllowed(actor, input.users_may_change_username, meta);
  return Response.json(toApiSignInSettings(settings ?? (await getSignInSettings(actor))));
});

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
