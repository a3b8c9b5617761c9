import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { appearanceInputSchema, appearanceSettings, toApiAppearance, updateAppearance } from "@/lib/appearance/settings";

/** The instance's name and logo (Settings → Appearance). */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiAppearance(await appearanceSettings(actor)));
});

/** {"name": "..."}: "" goes back to the default; owner only. The logo has its own route (./logo). */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, appearanceInputSchema);
  return Response.json(toApiAppearance(await updateAppearance(actor, input, requestMeta(request.headers))));
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
