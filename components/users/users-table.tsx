import Link from "next/link";
import { sourceOf, type IdentitySource } from "@/lib/idp/sources";
import type { UserRecord } from "@/lib/users/records";
import { userStatus } from "@/lib/users/status";
import { IdentityProviderBadge, StatusBadge } from "./badges";
import { ROLE_LABELS } from "./role-label";
import { RelativeTime } from "@/components/ui/relative-time";

export function UsersTable({
  users,
  currentUserId,
  groupNames,
  sources,
}: {
  users: UserRecord[];
  currentUserId: string;
  groupNames: Map<string, string>;
  sources: Map<string, IdentitySource>;
}) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Role</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Groups</th>
            <th scope="col" className="px-4 py-3">Identity provider</th>
            <th scope="col" className="px-4 py-3">2FA</th>
            <th scope="col" className="px-4 py-3">Last login</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <tr key={user.id} className="relative hover:bg-slate-50">
              <td className="px-4 py-3">
                <Link href={`/team/users/${user.id}`} className="font-medium text-slate-900 after:absolute after:inset-0">
                  {user.name || user.email}
                </Link>
                {user.id === currentUserId && (
                  <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">You</span>
                )}
                {user.email && <div className="text-slate-500">{user.email}</div>}
              </td>
              <td className="px-4 py-3 text-slate-700">{ROLE_LABELS[user.role]}</td>
              <td className="px-4 py-3">
                <StatusBadge status={userStatus(user)} />
              </td>
              <td className="px-4 py-3 text-slate-700">
                {user.autoGroups.length === 0 ? (
                  <span className="text-slate-500">—</span>
                ) : (
                  user.autoGroups.map((id) => groupNames.get(id) ?? id).join(", ")
                )}
              </td>
              <td className="px-4 py-3">
                <IdentityProviderBadge source={sourceOf(user.idpId, sources)} />
              </td>
              <td className="px-4 py-3 text-slate-700">{user.mfa?.totp || (user.mfa?.passkeys ?? 0) > 0 ? "On" : "Off"}</td>
              <td className="px-4 py-3 text-slate-700"><RelativeTime date={user.lastLoginAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
