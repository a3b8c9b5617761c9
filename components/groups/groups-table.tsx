import Link from "next/link";
import type { GroupRecord } from "@/lib/groups/records";
import { DeleteGroupButton, RenameGroupButton } from "./group-dialogs";
import { formatCreated } from "./format";

/** The account's groups; the Rename and Delete buttons only for those who may change groups. */
/** `can`: which row buttons the viewer may use (rename: groups:update, delete: groups:delete). */
export function GroupsTable({ groups, can }: { groups: GroupRecord[]; can: { rename: boolean; delete: boolean } }) {
  const canManage = can.rename || can.delete;
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Members</th>
            <th scope="col" className="px-4 py-3">Created</th>
            {canManage && (
              <th scope="col" className="px-4 py-3 text-right">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {groups.map((group) => (
            <tr key={group.id}>
              <td className="px-4 py-3">
                <Link href={`/team/groups/${group.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
                  {group.name}
                </Link>
              </td>
              <td className="px-4 py-3 tabular-nums text-slate-700">{group.usersCount}</td>
              <td className="px-4 py-3 text-slate-700">
                <time dateTime={group.createdAt.toISOString()}>{formatCreated(group.createdAt)}</time>
              </td>
              {canManage && (
                <td className="px-4 py-2 text-right">
                  <div className="inline-flex gap-2">
                    {can.rename && <RenameGroupButton group={{ id: group.id, name: group.name }} />}
                    {can.delete && <DeleteGroupButton group={{ id: group.id, name: group.name }} />}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
