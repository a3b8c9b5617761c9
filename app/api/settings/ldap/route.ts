import { apiLdapSchema, toApiLdap } from "@/lib/idp/api-shape";
import { ldapInputSchema } from "@/lib/idp/schemas";
import { getLdapSource, saveLdapSource } from "@/lib/idp/ldap/source";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

/** PUT: the fields sent (the others keep their stored values); leave bind_password out to keep the stored one. */
const settings = settingsRoute({
  read: getLdapSource,
  save: saveLdapSource,
  input: ldapInputSchema,
  toApi: toApiLdap,
  answer: apiLdapSchema,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
