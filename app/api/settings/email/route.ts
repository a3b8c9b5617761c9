import { toApiMailSettings } from "@/lib/mail/api-shape";
import { mailSettingsInputSchema } from "@/lib/mail/schemas";
import { getMailSettings, saveMailSettings } from "@/lib/mail/settings";
import { otherMethods } from "@/lib/http/methods";
import { parseOrThrow } from "@/lib/http/validation";
import { settingsRoute } from "../settings-route";

/** PUT: the whole page; "password" is write-only (left out: kept). */
const settings = settingsRoute({
  read: getMailSettings,
  save: (actor, patch, meta) => saveMailSettings(actor, parseOrThrow(mailSettingsInputSchema, patch), meta),
  toApi: toApiMailSettings,
});

export const GET = settings.GET;
export const PUT = settings.PUT;
export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
