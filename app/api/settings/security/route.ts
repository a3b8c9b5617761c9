import { apiSecurityPolicySchema, securityPolicy, securityPolicySchema, toApiSecurityPolicy, updateSecurityPolicy } from "@/lib/mfa/policy";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

/**
 * Who must use two-factor sign-in (Settings → Security). PUT {"require_for": "nobody"|"admins"|"everyone"|"groups",
 * "group_ids": [...], "grace_days": n}; owner only.
 */
const settings = settingsRoute({
  read: securityPolicy,
  save: updateSecurityPolicy,
  input: securityPolicySchema,
  toApi: toApiSecurityPolicy,
  answer: apiSecurityPolicySchema,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
