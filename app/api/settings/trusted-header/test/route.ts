import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { toApiProxyHeaderCheck } from "@/lib/idp/api-shape";
import { checkProxyHeader } from "@/lib/idp/trusted-header-check";

/**
 * What this very request carries for the proxy header (lib/idp/trusted-header-check.ts): whether its peer is a
 * trusted proxy, whether the user header is there, and whom it would sign in as, without signing in. No body.
 */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiProxyHeaderCheck(await checkProxyHeader(actor, request.headers, requestMeta(request.headers))));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
