import Link from "next/link";
import type { GroupMember } from "@/lib/groups/queries";

export function GroupMembersTable({ members }: { members: GroupMember[] }) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Email</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {members.map((member) => (
            <tr key={member.id}>
              <td className="px-4 py-3">
                <Link href={`/team/users/${member.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
                  {member.name || member.email || "Unnamed user"}
                </Link>
              </td>
              <td className="px-4 py-3 text-slate-700">{member.email ?? <span className="text-slate-500">No email</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
