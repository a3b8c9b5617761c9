import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { GroupRecord } from "@/lib/groups/records";
import { DeleteGroupButton, RenameGroupButton } from "./group-dialogs";

/** The account's groups. `can`: which row buttons the viewer may use (rename: groups:update, delete: groups:delete). */
export function GroupsTable({ groups, can }: { groups: GroupRecord[]; can: { rename: boolean; delete: boolean } }) {
  const canManage = can.rename || can.delete;
  const t = useTranslations("columns");
  const nav = useTranslations("nav");
  // Dates in the person's language (next-intl's time zone is UTC, as these pages always showed).
  const format = useFormatter();
  const columns: Array<DataColumn<GroupRecord>> = [
    {
      id: "name",
      header: t("name"),
      className: "px-4 py-3",
      cell: (group) => (
        <Link href={`/team/groups/${group.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
          {group.name}
        </Link>
      ),
    },
    { id: "members", header: t("members"), className: "px-4 py-3 tabular-nums text-slate-700", cell: (group) => group.usersCount },
    {
      id: "created_at",
      header: t("created"),
      cell: (group) => <time dateTime={group.createdAt.toISOString()}>{format.dateTime(group.createdAt, { dateStyle: "medium" })}</time>,
    },
  ];
  if (canManage) {
    columns.push({
      id: "actions",
      rowActions: true,
      header: t("actions"),
      hiddenHeader: true,
      className: "px-4 py-2 text-right",
      cell: (group) => (
        <div className="inline-flex gap-2">
          {can.rename && <RenameGroupButton group={{ id: group.id, name: group.name }} />}
          {can.delete && <DeleteGroupButton group={{ id: group.id, name: group.name }} />}
        </div>
      ),
    });
  }
  return <DataTable label={nav("groups")} rows={groups} rowKey={(g) => g.id} columns={columns} rowClassName="" empty={null} />;
}
