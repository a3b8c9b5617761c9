import { apiAppearanceSchema, appearanceInputSchema, appearanceSettings, toApiAppearance, updateAppearance } from "@/lib/appearance/settings";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

/**
 * The instance's name and logo (Settings → Appearance). PUT {"name": "..."}: "" goes back to the default; owner only.
 * The logo has its own route (./logo).
 */
const settings = settingsRoute({
  read: appearanceSettings,
  save: updateAppearance,
  input: appearanceInputSchema,
  toApi: toApiAppearance,
  answer: apiAppearanceSchema,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
