import { deleteInviteAction, resendInviteAction } from "@/app/(dashboard)/team/users/invite-actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { ROLE_LABELS } from "@/components/users/role-label";
import type { InviteRecord } from "@/lib/invites/records";
import { inviteLabel, isExpired } from "@/lib/invites/records";
import { RegenerateInviteDialog } from "./regenerate-invite-dialog";
import { RelativeTime } from "@/components/ui/relative-time";

export type InviteRow = InviteRecord & { invitedBy: string };

export function InvitesTable({
  invites,
  groupNames,
  can,
  mailEnabled = false,
}: {
  invites: InviteRow[];
  groupNames: Map<string, string>;
  /** Renew and resend: invites:create; delete: invites:delete. */
  can: { renew: boolean; delete: boolean };
  mailEnabled?: boolean;
}) {
  const canManage = can.renew || can.delete;
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Role</th>
            <th scope="col" className="px-4 py-3">Groups</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Expires</th>
            <th scope="col" className="px-4 py-3">Invited by</th>
            {canManage && (
              <th scope="col" className="px-4 py-3">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {invites.map((invite) => {
            const expired = isExpired(invite);
            const label = inviteLabel(invite);
            return (
              <tr key={invite.id}>
                <td className="px-4 py-3">
                  <div className="font-medium text-slate-900">{invite.name}</div>
                  {/* usernames: the username the admin chose (else the invitee picks one); no email: the link is handed over. */}
                  <div className="text-slate-500">
                    {invite.username ?? "Username chosen by the invitee"}
                    {invite.email ? <span> · {invite.email}</span> : <span> · No email: hand the link over (it can&apos;t be sent)</span>}
                  </div>
                </td>
                <td className="px-4 py-3 text-slate-700">{ROLE_LABELS[invite.role]}</td>
                <td className="px-4 py-3 text-slate-700">
                  {invite.autoGroups.map((id) => groupNames.get(id)).filter(Boolean).join(", ") || "—"}
                </td>
                <td className="px-4 py-3">
                  {expired ? (
                    <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">Expired</span>
                  ) : (
                    <span className="rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-700 ring-1 ring-green-200">Valid</span>
                  )}
                </td>
                <td className="px-4 py-3 text-slate-700"><RelativeTime date={invite.expiresAt} /></td>
                <td className="px-4 py-3 text-slate-700">{invite.invitedBy}</td>
                {canManage && (
                  <td className="px-4 py-3">
                    <div className="flex justify-end gap-2">
                      {can.renew && mailEnabled && invite.email && (
                        <ConfirmAction
                          label="Resend"
                          title={`Resend the invite to ${label}?`}
                          body={`A fresh link goes to ${invite.email} by email. The old link stops working at once.`}
                          confirmLabel="Resend invite"
                          confirmVariant="primary"
                          action={resendInviteAction.bind(null, invite.id)}
                        />
                      )}
                      {can.renew && <RegenerateInviteDialog inviteId={invite.id} label={label} />}
                      {can.delete && (
                        <ConfirmAction
                          label="Delete"
                          variant="danger"
                          title={`Delete the invite for ${label}?`}
                          body="The invite link stops working at once."
                          confirmLabel="Delete invite"
                          action={deleteInviteAction.bind(null, invite.id)}
                        />
                      )}
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
