import { toApiMailSettings } from "@/lib/mail/api-shape";
import { mailSettingsInputSchema } from "@/lib/mail/schemas";
import { getMailSettings, saveMailSettings } from "@/lib/mail/settings";
import { settingsRoute } from "../settings-route";

/** PUT: the whole page; "password" is write-only (left out: kept). */
export const { GET, PUT, POST, PATCH, DELETE } = settingsRoute({
  read: getMailSettings,
  schema: mailSettingsInputSchema,
  save: saveMailSettings,
  toApi: toApiMailSettings,
});
