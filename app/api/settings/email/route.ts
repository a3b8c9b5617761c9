import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { toApiMailSettings } from "@/lib/mail/api-shape";
import { mailSettingsInputSchema } from "@/lib/mail/schemas";
import { getMailSettings, saveMailSettings } from "@/lib/mail/settings";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiMailSettings(await getMailSettings(actor)));
});

/** The whole page; "password" is write-only (left out: kept). */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, mailSettingsInputSchema);
  return Response.json(toApiMailSettings(await saveMailSettings(actor, input, requestMeta(request.headers))));
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
