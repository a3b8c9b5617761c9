"use client";
/**
 * The pending invites list's bulk actions (Delete, Regenerate) on the shared
 * BulkSelection; Regenerate asks for the new links' expiry (the single
 * Regenerate's field), then each new link is shown once, with Copy, as the
 * single Regenerate shows it.
 */
import { useFormatter, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { bulkInvitesAction } from "@/app/(dashboard)/team/users/invite-actions";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Dialog, useKeepDialogOpen } from "@/components/ui/dialog";
import { ShownOnceWarning } from "@/components/ui/shown-once-secret";
import { BulkSelection } from "@/components/users/bulk-selection";
import { InviteExpiryField } from "./invite-expiry-field";

type Link = { id: string; token: string; expiresAt: string; label: string };

function LinkRow({ link, first }: { link: Link; first: boolean }) {
  const t = useTranslations("invitesPage.bulk");
  const format = useFormatter();
  const value = `${window.location.origin}/invite?token=${encodeURIComponent(link.token)}`;
  const expires = `${format.dateTime(new Date(link.expiresAt), { dateStyle: "medium", timeStyle: "short" })} UTC`;
  return (
    <li>
      <CopyField label={t("linkFor", { name: link.label, expires })} value={value} copyLabel={t("copyFor", { name: link.label })} autoFocus={first} />
    </li>
  );
}

/** The regenerated links, each shown once: only Close closes them (Escape moves the focus there). */
function RegeneratedLinks({ links, onClose }: { links: Link[]; onClose: () => void }) {
  const t = useTranslations("invitesPage.bulk");
  const common = useTranslations("common");
  const done = useRef<HTMLButtonElement>(null);
  useKeepDialogOpen(done);
  return (
    <div className="space-y-4">
      <ShownOnceWarning>{t("linksWarning")}</ShownOnceWarning>
      <ul aria-label={t("linksTitle", { count: links.length })} className="space-y-3">
        {links.map((link, n) => (
          <LinkRow key={link.id} link={link} first={n === 0} />
        ))}
      </ul>
      <div className="flex justify-end">
        <Button ref={done} onClick={onClose}>
          {common("close")}
        </Button>
      </div>
    </div>
  );
}

export function InvitesBulk({
  invites,
  allowed,
  children,
}: {
  invites: Array<{ id: string; label: string }>;
  allowed: ReadonlyArray<"delete" | "regenerate">;
  children: React.ReactNode;
}) {
  const t = useTranslations("invitesPage.bulk");
  const [links, setLinks] = useState<Link[]>([]);
  const labels = new Map(invites.map((i) => [i.id, i.label]));
  return (
    <>
      <BulkSelection
        users={invites}
        allowed={allowed}
        run={bulkInvitesAction}
        messages="invitesPage.bulk"
        // Regenerate asks how long the new links stay valid, as the single Regenerate does.
        confirmFields={(action, errors) => (action === "regenerate" ? <InviteExpiryField errors={errors.expires_in_days} /> : null)}
        onDone={(action, outcome) => {
          if (action === "regenerate") setLinks((outcome.links ?? []).map((l) => ({ ...l, label: labels.get(l.id) ?? l.id })));
        }}
      >
        {children}
      </BulkSelection>
      <Dialog open={links.length > 0} onClose={() => setLinks([])} title={t("linksTitle", { count: links.length })}>
        {links.length > 0 && <RegeneratedLinks links={links} onClose={() => setLinks([])} />}
      </Dialog>
    </>
  );
}
