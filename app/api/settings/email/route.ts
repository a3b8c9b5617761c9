import { toApiMailSettings } from "@/lib/mail/api-shape";
import { mailSettingsPatchSchema } from "@/lib/mail/schemas";
import { getMailSettings, saveMailSettings } from "@/lib/mail/settings";
import { mailSettingsSchema } from "@/lib/openapi/responses";
import { otherMethods } from "@/lib/http/methods";
import { settingsRoute } from "../settings-route";

/**
 * PUT: the fields sent; the others keep their stored values; password is write-only. The service
 * validates the stored settings with the body over them (lib/mail/settings.ts), so the body is passed
 * as it came: a signed-in person moving where mail goes adds "current_password" (or "code").
 */
const settings = settingsRoute({
  read: getMailSettings,
  save: saveMailSettings,
  input: mailSettingsPatchSchema,
  toApi: toApiMailSettings,
  answer: mailSettingsSchema,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
