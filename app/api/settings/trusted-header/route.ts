import { toApiSignInSettings } from "@/lib/idp/api-shape";
import { getSignInSettings, updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

const settings = settingsRoute({
  read: getSignInSettings,
  save: updateTrustedHeader,
  toApi: (settings) => toApiSignInSettings(settings).trusted_header,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
