import { useTranslations } from "next-intl";
import { deleteInviteAction, resendInviteAction } from "@/app/(dashboard)/team/users/invite-actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { InviteRecord } from "@/lib/invites/records";
import { expiredInviteRemovedAt, inviteLabel, isExpired, madeByOperator } from "@/lib/invites/records";
import { SelectPageCheckbox, SelectUserCheckbox } from "@/components/users/bulk-selection";
import { InvitesBulk } from "./invites-bulk";
import { RegenerateInviteDialog } from "./regenerate-invite-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { bindAction } from "@/lib/forms/bind-action";

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
  const t = useTranslations("columns");
  const ti = useTranslations("invitesPage");
  const team = useTranslations("team");
  const columns: Array<DataColumn<InviteRow>> = [
    ...(canManage
      ? [
          {
            id: "select",
            header: ti("bulk.selectPage"),
            headerCell: <SelectPageCheckbox />,
            className: "w-10 px-4 py-3",
            cell: (invite: InviteRow) => <SelectUserCheckbox id={invite.id} label={inviteLabel(invite)} />,
          },
        ]
      : []),
    {
      id: "name",
      header: t("name"),
      className: "px-4 py-3",
      cell: (invite) => (
        <>
          <div className="font-medium text-slate-900">{invite.name}</div>
          {/* usernames: the username the admin chose (else the invitee picks one); no email: the link is handed over. */}
          <div className="text-slate-500">
            {invite.username ?? ti("usernameByInvitee")}
            {invite.email ? <span> · {invite.email}</span> : <span> · {ti("noEmail")}</span>}
          </div>
        </>
      ),
    },
    { id: "role", header: t("role"), cell: (invite) => team(`roles.${invite.role}.name`) },
    { id: "groups", header: t("groups"), cell: (invite) => invite.autoGroups.map((id) => groupNames.get(id)).filter(Boolean).join(", ") || "—" },
    {
      id: "status",
      header: t("status"),
      className: "px-4 py-3",
      cell: (invite) =>
        isExpired(invite) ? (
          <>
            <span className="inline-block whitespace-nowrap rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">{team("expired")}</span>
            {/* The maintenance pass removes it 30 days after it expired (lib/invites/expired.ts). */}
            <p className="mt-1 max-w-[11rem] text-xs text-slate-500">{ti("removedOn", { date: expiredInviteRemovedAt(invite.expiresAt) })}</p>
          </>
        ) : (
          <span className="inline-block whitespace-nowrap rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-700 ring-1 ring-green-200">{team("valid")}</span>
        ),
    },
    { id: "expires_at", header: t("expires"), cell: (invite) => <RelativeTime date={invite.expiresAt} /> },
    { id: "invited_by", header: t("invitedBy"), cell: (invite) => (madeByOperator(invite) ? ti("invitedByOperator") : invite.invitedBy) },
  ];
  if (canManage) {
    columns.push({
      id: "actions",
      rowActions: true,
      header: t("actions"),
      hiddenHeader: true,
      className: "px-4 py-3",
      cell: (invite) => {
        const label = inviteLabel(invite);
        return (
          <div className="flex justify-end gap-2">
            {can.renew && mailEnabled && invite.email && (
              <ConfirmAction
                label={ti("resend")}
                subject={label}
                title={ti("resendTitle", { name: label })}
                body={ti("resendBody", { email: invite.email })}
                confirmLabel={ti("resendConfirm")}
                confirmVariant="primary"
                action={bindAction(resendInviteAction, invite.id)}
              />
            )}
            {can.renew && <RegenerateInviteDialog inviteId={invite.id} label={label} />}
            {can.delete && (
              <ConfirmAction
                label={ti("delete")}
                subject={label}
                variant="danger"
                title={ti("deleteTitle", { name: label })}
                body={ti("deleteBody")}
                confirmLabel={ti("deleteConfirm")}
                action={bindAction(deleteInviteAction, invite.id)}
              />
            )}
          </div>
        );
      },
    });
  }
  const table = <DataTable label={ti("table")} rows={invites} rowKey={(i) => i.id} columns={columns} rowClassName="" empty={null} />;
  if (!canManage) return table;
  const allowed = [...(can.delete ? (["delete"] as const) : []), ...(can.renew ? (["regenerate"] as const) : [])];
  return (
    <InvitesBulk invites={invites.map((i) => ({ id: i.id, label: inviteLabel(i) }))} allowed={allowed}>
      {table}
    </InvitesBulk>
  );
}
