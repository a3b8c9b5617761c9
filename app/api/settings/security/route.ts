import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { securityPolicy, securityPolicySchema, toApiSecurityPolicy, updateSecurityPolicy } from "@/lib/mfa/policy";

/** Who must use two-factor sign-in (Settings → Security). */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiSecurityPolicy(await securityPolicy(actor)));
});

/** {"require_for": "nobody"|"admins"|"everyone"|"groups", "group_ids": [...], "grace_days": n}; owner only. */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, securityPolicySchema);
  return Response.json(toApiSecurityPolicy(await updateSecurityPolicy(actor, input, requestMeta(request.headers))));
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
