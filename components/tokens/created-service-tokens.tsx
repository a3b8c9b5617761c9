import Link from "next/link";
import { formatDateTime } from "@/components/users/format";
import type { ServiceTokenOfCreator } from "@/lib/tokens/creators";
import { isExpired } from "@/lib/tokens/records";
import { DeleteTokenButton } from "./delete-token-button";
import { TokenScope } from "./tokens-table";

/**
 * On a person's page: the service users' tokens they created. Those tokens
 * keep working when the person is blocked or deleted (automation must not
 * stop with its author), so this is where an admin reviews and revokes them.
 */
export function CreatedServiceTokens({
  tokens,
  personBlocked,
  canDelete,
  now = new Date(),
}: {
  tokens: ServiceTokenOfCreator[];
  personBlocked: boolean;
  /** tokens:delete (and users:read, to name the service user): the Delete buttons. */
  canDelete: boolean;
  now?: Date;
}) {
  return (
    <section aria-labelledby="service-tokens-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="service-tokens-heading" className="text-base font-semibold text-slate-900">
        Service-user tokens they created
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {personBlocked
          ? "They are blocked, but these tokens still work: service users' tokens outlive whoever made them. Delete the ones that should stop."
          : "Service users' tokens keep working if this person is blocked or deleted."}
      </p>
      <div className="mt-3 overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-4">Token</th>
              <th scope="col" className="py-2 pr-4">Service user</th>
              <th scope="col" className="py-2 pr-4">Expires</th>
              <th scope="col" className="py-2 pr-4">Last used</th>
              <th scope="col" className="py-2 pr-4">Scope</th>
              {canDelete && (
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
                <td className="py-2 pr-4">
                  <Link href={`/team/service-users/${t.userId}`} className="text-indigo-600 hover:text-indigo-500">
                    {t.serviceUserName}
                  </Link>
                </td>
                <td className="py-2 pr-4 text-slate-700">
                  {formatDateTime(t.expiresAt)}
                  {isExpired(t, now) && <span className="ml-2 text-xs text-red-700">Expired</span>}
                </td>
                <td className="py-2 pr-4 text-slate-700">{formatDateTime(t.lastUsedAt)}</td>
                <td className="py-2 pr-4 align-top text-slate-700">
                  <TokenScope permissions={t.permissions} whose="its" />
                </td>
                {canDelete && (
                  <td className="py-2 text-right">
                    <DeleteTokenButton userId={t.userId} tokenId={t.id} name={t.name} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
