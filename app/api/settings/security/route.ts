import { securityPolicy, securityPolicySchema, toApiSecurityPolicy, updateSecurityPolicy } from "@/lib/mfa/policy";
import { settingsRoute } from "../settings-route";

/**
 * Who must use two-factor sign-in (Settings → Security). PUT {"require_for": "nobody"|"admins"|"everyone"|"groups",
 * "group_ids": [...], "grace_days": n}; owner only.
 */
export const { GET, PUT, POST, PATCH, DELETE } = settingsRoute({
  read: securityPolicy,
  schema: securityPolicySchema,
  save: updateSecurityPolicy,
  toApi: toApiSecurityPolicy,
});
