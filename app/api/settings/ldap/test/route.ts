import { z } from "zod";
import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { testLdapSource } from "@/lib/idp/ldap/source";
import { ldapInputSchema } from "@/lib/idp/schemas";
import { otherMethods } from "@/lib/http/methods";

/** Tests the saved settings (empty body) or the ones sent; 200 with ok true/false and a message. */
export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const body = await readJson(request, z.unknown());
  const empty = typeof body === "object" && body !== null && Object.keys(body).length === 0;
  return Response.json(await testLdapSource(actor, empty ? undefined : parseOrThrow(ldapInputSchema, body)));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
