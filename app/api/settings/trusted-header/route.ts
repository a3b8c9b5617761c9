import { apiTrustedHeaderSchema, toApiTrustedHeader } from "@/lib/idp/api-shape";
import { trustedHeaderInputSchema } from "@/lib/idp/schemas";
import { getSignInSettings, updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

const settings = settingsRoute({
  read: getSignInSettings,
  save: updateTrustedHeader,
  input: trustedHeaderInputSchema,
  toApi: toApiTrustedHeader,
  answer: apiTrustedHeaderSchema,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
