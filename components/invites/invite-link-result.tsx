"use client";

import { useFormatter, useTranslations } from "next-intl";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";

/** The freshly made invite link (shown once), built on the address the admin is using. */
export function InviteLinkResult({ token, expiresAt, onClose }: { token: string; expiresAt: string; onClose: () => void }) {
  const link = `${window.location.origin}/invite?token=${encodeURIComponent(token)}`;
  const t = useTranslations("invitesPage");
  const format = useFormatter();
  const expires = `${format.dateTime(new Date(expiresAt), { dateStyle: "medium", timeStyle: "short" })} UTC`;
  return (
    <div className="space-y-3">
      <ShownOnceSecret
        label={t("link")}
        value={link}
        warning={t("linkWarning", { expires })}
        onClose={onClose}
      />
    </div>
  );
}
