import type { UserRecord } from "@/lib/users/records";
import { ROLE_LABELS } from "./role-label";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

function StatusBadge({ blocked }: { blocked: boolean }) {
  return blocked ? (
    <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">Blocked</span>
  ) : (
    <span className="rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-700 ring-1 ring-green-200">Active</span>
  );
}

export function UsersTable({ users, currentUserId }: { users: UserRecord[]; currentUserId: string }) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Role</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Last login</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <tr key={user.id}>
              <td className="px-4 py-3">
                <div className="font-medium text-slate-900">
                  {user.name || user.email}
                  {user.id === currentUserId && (
                    <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">You</span>
                  )}
                </div>
                {user.email && <div className="text-slate-500">{user.email}</div>}
              </td>
              <td className="px-4 py-3 text-slate-700">{ROLE_LABELS[user.role]}</td>
              <td className="px-4 py-3">
                <StatusBadge blocked={user.isBlocked} />
              </td>
              <td className="px-4 py-3 text-slate-700">
                {user.lastLoginAt ? <time dateTime={user.lastLoginAt.toISOString()}>{dateFormat.format(user.lastLoginAt)} UTC</time> : "Never"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
