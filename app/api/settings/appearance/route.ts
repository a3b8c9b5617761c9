import { appearanceInputSchema, appearanceSettings, toApiAppearance, updateAppearance } from "@/lib/appearance/settings";
import { settingsRoute } from "../settings-route";

/**
 * The instance's name and logo (Settings → Appearance). PUT {"name": "..."}: "" goes back to the default; owner only.
 * The logo has its own route (./logo).
 */
export const { GET, PUT, POST, PATCH, DELETE } = settingsRoute({
  read: appearanceSettings,
  schema: appearanceInputSchema,
  save: updateAppearance,
  toApi: toApiAppearance,
});
