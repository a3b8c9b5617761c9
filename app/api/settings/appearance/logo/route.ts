import { apiActor } from "@/lib/sign-in/api-actor";
import { assertCan } from "@/lib/auth/policy";
import { readBytes } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { MAX_LOGO_BYTES } from "@/lib/appearance/limits";
import { removeLogo, setLogo, toApiAppearance } from "@/lib/appearance/settings";

/**
 * The picture itself as the body (`curl -T logo.png`, any Content-Type: the type is
 * read from the bytes); PNG, JPEG or WebP, at most 256 KiB and 4096 × 4096 pixels; owner only.
 */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  // Who may upload is checked before the body is read: a refused caller's upload is never buffered.
  assertCan(actor, "settings:appearance", "Only the owner can change the appearance");
  const bytes = await readBytes(request, MAX_LOGO_BYTES);
  return Response.json(toApiAppearance(await setLogo(actor, bytes, requestMeta(request.headers))));
});

/** Removes the logo; owner only. */
export const DELETE = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiAppearance(await removeLogo(actor, requestMeta(request.headers))));
});

export const { GET, POST, PATCH, OPTIONS } = otherMethods("PUT", "DELETE");
