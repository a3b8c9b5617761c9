import { useTranslations } from "next-intl";
import Link from "next/link";
import { setGroupMemberAction } from "@/app/(dashboard)/team/groups/actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { GroupMember } from "@/lib/groups/queries";

/** A group's members; with `group` (someone who manages users) each row can be removed. */
export function GroupMembersTable({
  members,
  group,
  empty,
}: {
  members: GroupMember[];
  group?: { id: string; name: string };
  empty: React.ReactNode;
}) {
  const t = useTranslations("columns");
  const columns: Array<DataColumn<GroupMember>> = [
    {
      id: "name",
      header: t("name"),
      className: "px-4 py-3",
      cell: (member) => (
        <Link href={`/team/users/${member.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
          {member.name || member.email || "Unnamed user"}
        </Link>
      ),
    },
    { id: "email", header: t("email"), cell: (member) => member.email ?? <span className="text-slate-500">No email</span> },
  ];
  if (group) {
    columns.push({
      id: "actions",
      header: t("actions"),
      className: "px-4 py-3 text-right",
      cell: (member) => (
        <ConfirmAction
          label="Remove"
          title={`Remove ${member.name || member.email || "this user"} from ${group.name}?`}
          body="They keep their account and their other groups."
          confirmLabel="Remove"
          action={setGroupMemberAction.bind(null, group.id, member.id, false)}
        />
      ),
    });
  }
  return <DataTable label="Members" rows={members} rowKey={(m) => m.id} columns={columns} rowClassName="" empty={empty} />;
}
