import { useTranslations } from "next-intl";
import Link from "next/link";
import { setGroupMemberAction } from "@/app/(dashboard)/team/groups/actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { GroupMember } from "@/lib/groups/queries";
import { bindAction } from "@/lib/forms/bind-action";

/**
 * A group's members; with `group` (someone who manages users) each row can be removed, but those in `lockedIds`:
 * whom the actor may not take out (lib/users/group-members.ts membersNotRemovableBy: their own row unless they are
 * the owner, the owner's, and anyone holding more than they do).
 */
export function GroupMembersTable({
  members,
  group,
  lockedIds = [],
  empty,
}: {
  members: GroupMember[];
  group?: { id: string; name: string };
  lockedIds?: readonly string[];
  empty: React.ReactNode;
}) {
  const t = useTranslations("columns");
  const team = useTranslations("team");
  const tg = useTranslations("groupsPage");
  const columns: Array<DataColumn<GroupMember>> = [
    {
      id: "name",
      header: t("name"),
      className: "px-4 py-3",
      cell: (member) => (
        <Link href={`/team/users/${member.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
          {member.name || member.email || team("unnamed")}
        </Link>
      ),
    },
    { id: "email", header: t("email"), longWords: true, cell: (member) => member.email ?? <span className="text-slate-500">{team("noEmail")}</span> },
  ];
  if (group) {
    columns.push({
      id: "actions",
      rowActions: true,
      header: t("actions"),
      className: "px-4 py-3 text-right",
      cell: (member) =>
        lockedIds.includes(member.id) ? null : (
          <ConfirmAction
            label={tg("remove")}
            subject={member.name || member.email || team("unnamed")}
            title={tg("removeTitle", { name: member.name || member.email || team("unnamed"), group: group.name })}
            body={tg("removeBody")}
            confirmLabel={tg("remove")}
            action={bindAction(setGroupMemberAction, group.id, member.id, false)}
          />
        ),
    });
  }
  return <DataTable label={t("members")} rows={members} rowKey={(m) => m.id} columns={columns} rowClassName="" empty={empty} />;
}
