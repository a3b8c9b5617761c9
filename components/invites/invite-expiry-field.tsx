"use client";
/**
 * How many days an invite link stays valid: the one field shared by the
 * invite form, the single Regenerate and the bulk Regenerate. The form asks
 * for days (1–365, 3 by default, the API's 72 hours); the server action turns
 * them into the API's `expires_in` seconds.
 */
import { useTranslations } from "next-intl";
import { TextField } from "@/components/ui/text-field";

export const INVITE_EXPIRY_DAYS = { min: 1, max: 365, default: 3 } as const;

export function InviteExpiryField({ defaultValue, errors }: { defaultValue?: string; errors?: string[] }) {
  const t = useTranslations("invitesPage.form");
  return (
    <TextField
      label={t("expiresInDays")}
      name="expires_in_days"
      type="number"
      min={INVITE_EXPIRY_DAYS.min}
      max={INVITE_EXPIRY_DAYS.max}
      required
      defaultValue={defaultValue ?? String(INVITE_EXPIRY_DAYS.default)}
      errors={errors}
    />
  );
}
