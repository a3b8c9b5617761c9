import { toApiSignInSettings } from "@/lib/idp/api-shape";
import { trustedHeaderInputSchema } from "@/lib/idp/schemas";
import { getSignInSettings, updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { settingsRoute } from "../settings-route";

export const { GET, PUT, POST, PATCH, DELETE } = settingsRoute({
  read: getSignInSettings,
  schema: trustedHeaderInputSchema,
  save: updateTrustedHeader,
  toApi: (settings) => toApiSignInSettings(settings).trusted_header,
});
