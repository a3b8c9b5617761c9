import { toApiLdap } from "@/lib/idp/api-shape";
import { getLdapSource, saveLdapSource } from "@/lib/idp/ldap/source";
import { ldapInputSchema } from "@/lib/idp/schemas";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

/** PUT: the whole configuration; leave bind_password out to keep the stored one. */
const settings = settingsRoute({
  read: getLdapSource,
  schema: ldapInputSchema,
  save: saveLdapSource,
  toApi: toApiLdap,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
