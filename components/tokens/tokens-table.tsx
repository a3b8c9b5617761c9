import { isExpired, type AccessTokenRecord } from "@/lib/tokens/records";
import { DeleteTokenButton } from "./delete-token-button";
import { RelativeTime } from "@/components/ui/relative-time";

export type TokenRow = AccessTokenRecord & { createdByLabel: string };

function ValidityBadge({ expired }: { expired: boolean }) {
  const style = expired ? "bg-red-50 text-red-700 ring-red-200" : "bg-green-50 text-green-700 ring-green-200";
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${style}`}>{expired ? "Expired" : "Valid"}</span>;
}

/** A token's scope: all of its owner's permissions, or the few it was narrowed to (listed on expand and on hover). */
export function TokenScope({ permissions, whose }: { permissions: readonly string[] | null; whose: "your" | "its" }) {
  if (permissions === null) return <>All {whose} permissions</>;
  if (permissions.length === 0) return <>None: reads {whose} own account only</>;
  const count = `${permissions.length} ${permissions.length === 1 ? "permission" : "permissions"}`;
  return (
    <details title={permissions.join(", ")}>
      <summary className="cursor-pointer text-indigo-700 hover:text-indigo-600 dark:text-indigo-300">{count}</summary>
      <ul className="mt-1 space-y-0.5 font-mono text-xs">
        {permissions.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </details>
  );
}

export function TokensTable({ tokens, canManage, whose = "your", now = new Date() }: { tokens: TokenRow[]; canManage: boolean; whose?: "your" | "its"; now?: Date }) {
  if (tokens.length === 0) return <p className="mt-3 text-sm text-slate-600">No tokens yet.</p>;
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4">Name</th>
            <th scope="col" className="py-2 pr-4">Created</th>
            <th scope="col" className="py-2 pr-4">Created by</th>
            <th scope="col" className="py-2 pr-4">Expires</th>
            <th scope="col" className="py-2 pr-4">Last used</th>
            <th scope="col" className="py-2 pr-4">Scope</th>
            {canManage && (
              <th scope="col" className="py-2">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tokens.map((t) => (
            <tr key={t.id}>
              <td className="py-2 pr-4 font-medium text-slate-900">{t.name}</td>
              <td className="py-2 pr-4 text-slate-700"><RelativeTime date={t.createdAt} /></td>
              <td className="py-2 pr-4 text-slate-700">{t.createdByLabel}</td>
              <td className="py-2 pr-4 text-slate-700">
                <span className="mr-2"><RelativeTime date={t.expiresAt} /></span>
                <ValidityBadge expired={isExpired(t, now)} />
              </td>
              <td className="py-2 pr-4 text-slate-700"><RelativeTime date={t.lastUsedAt} /></td>
              <td className="py-2 pr-4 align-top text-slate-700">
                <TokenScope permissions={t.permissions} whose={whose} />
              </td>
              {canManage && (
                <td className="py-2 text-right">
                  <DeleteTokenButton userId={t.userId} tokenId={t.id} name={t.name} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
