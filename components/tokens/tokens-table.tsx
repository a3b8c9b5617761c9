import { useTranslations } from "next-intl";
import { isExpired, type AccessTokenRecord } from "@/lib/tokens/records";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { DeleteTokenButton } from "./delete-token-button";
import { RelativeTime } from "@/components/ui/relative-time";

export type TokenRow = AccessTokenRecord & { creator: { name: string | null; status: "active" | "blocked" | "deleted" } };

function ValidityBadge({ expired }: { expired: boolean }) {
  const team = useTranslations("team");
  const style = expired ? "bg-red-50 text-red-700 ring-red-200" : "bg-green-50 text-green-700 ring-green-200";
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${style}`}>{expired ? team("expired") : team("valid")}</span>;
}

/** A token's scope: all of its owner's permissions, or the few it was narrowed to (listed on expand and on hover). */
export function TokenScope({ permissions, whose }: { permissions: readonly string[] | null; whose: "your" | "its" }) {
  const t = useTranslations("tokensPage.scope");
  if (permissions === null) return <>{t(`all.${whose}`)}</>;
  if (permissions.length === 0) return <>{t(`none.${whose}`)}</>;
  const count = t("count", { count: permissions.length });
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
  const t = useTranslations("columns");
  const tt = useTranslations("tokensPage");
  const creatorLabel = ({ name, status }: TokenRow["creator"]) => tt(`creator.${status}`, { name: name ?? tt("unknownUser") });
  const columns: Array<DataColumn<TokenRow>> = [
    { id: "name", header: t("name"), className: "px-4 py-3 font-medium text-slate-900", cell: (t) => t.name },
    { id: "created_at", header: t("created"), cell: (t) => <RelativeTime date={t.createdAt} /> },
    { id: "created_by", header: t("createdBy"), cell: (t) => creatorLabel(t.creator) },
    {
      id: "expires_at",
      header: t("expires"),
      cell: (t) => (
        <>
          <span className="mr-2"><RelativeTime date={t.expiresAt} /></span>
          <ValidityBadge expired={isExpired(t, now)} />
        </>
      ),
    },
    { id: "last_used", header: t("lastUsed"), cell: (t) => <RelativeTime date={t.lastUsedAt} /> },
    { id: "scope", header: t("scope"), className: "px-4 py-3 align-top text-slate-700", cell: (t) => <TokenScope permissions={t.permissions} whose={whose} /> },
  ];
  if (canManage) {
    columns.push({
      id: "actions",
      rowActions: true,
      header: t("actions"),
      hiddenHeader: true,
      className: "px-4 py-2 text-right",
      cell: (t) => <DeleteTokenButton userId={t.userId} tokenId={t.id} name={t.name} />,
    });
  }
  return (
    <div className="mt-3">
      <DataTable label={tt("table")} rows={tokens} rowKey={(t) => t.id} columns={columns} rowClassName="" empty={<p className="text-sm text-slate-600">{tt("none")}</p>} />
    </div>
  );
}
