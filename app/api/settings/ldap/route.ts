import { toApiLdap } from "@/lib/idp/api-shape";
import { getLdapSource, saveLdapSource } from "@/lib/idp/ldap/source";
import { ldapInputSchema } from "@/lib/idp/schemas";
import { settingsRoute } from "../settings-route";

/** PUT: the whole configuration; leave bind_password out to keep the stored one. */
export const { GET, PUT, POST, PATCH, DELETE } = settingsRoute({
  read: getLdapSource,
  schema: ldapInputSchema,
  save: saveLdapSource,
  toApi: toApiLdap,
});
