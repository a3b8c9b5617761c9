"use client";

import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { formatDateTime } from "@/components/users/format";

/** The freshly made invite link (shown once), built on the address the admin is using. */
export function InviteLinkResult({ token, expiresAt, onClose }: { token: string; expiresAt: string; onClose: () => void }) {
  const link = `${window.location.origin}/invite?token=${encodeURIComponent(token)}`;
  return (
    <div className="space-y-3">
      <ShownOnceSecret
        label="Invite link"
        value={link}
        warning={`Send this link to the person you invite. It will not be shown again, and it expires ${formatDateTime(new Date(expiresAt))}.`}
        onClose={onClose}
      />
    </div>
  );
}
