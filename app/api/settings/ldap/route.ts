import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiLdap } from "@/lib/idp/api-shape";
import { getLdapSource, saveLdapSource } from "@/lib/idp/ldap/source";
import { ldapInputSchema } from "@/lib/idp/schemas";
import { otherMethods } from "@/lib/http/methods";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  return Response.json(toApiLdap(await getLdapSource(actor)));
});

/** The whole configuration; leave bind_password out to keep the stored one. */
export const PUT = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readJson(request, ldapInputSchema);
  return Response.json(toApiLdap(await saveLdapSource(actor, input, requestMeta(request.headers))));
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
