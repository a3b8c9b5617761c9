import Link from "next/link";
import { StatusBadge } from "@/components/users/badges";
import { ROLE_LABELS } from "@/components/users/role-label";
import type { UserRecord } from "@/lib/users/records";
import { userStatus } from "@/lib/users/status";
import { RelativeTime } from "@/components/ui/relative-time";

export function ServiceUsersTable({
  users,
  tokenCounts,
  orphaned = new Set(),
}: {
  users: UserRecord[];
  tokenCounts: Map<string, number>;
  /** Service users with a token whose creator is now blocked or deleted (lib/tokens/creators.ts). */
  orphaned?: Set<string>;
}) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Role</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Tokens</th>
            <th scope="col" className="px-4 py-3">Created</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <tr key={user.id} className="relative hover:bg-slate-50">
              <td className="px-4 py-3">
                <Link href={`/team/service-users/${user.id}`} className="font-medium text-slate-900 after:absolute after:inset-0">
                  {user.name}
                </Link>
              </td>
              <td className="px-4 py-3 text-slate-700">{ROLE_LABELS[user.role]}</td>
              <td className="px-4 py-3">
                <StatusBadge status={userStatus(user)} />
              </td>
              <td className="px-4 py-3 tabular-nums text-slate-700">
                {tokenCounts.get(user.id) ?? 0}
                {orphaned.has(user.id) && (
                  <span className="ml-2 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">
                    Created by a blocked or deleted user
                  </span>
                )}
              </td>
              <td className="px-4 py-3 text-slate-700"><RelativeTime date={user.createdAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
