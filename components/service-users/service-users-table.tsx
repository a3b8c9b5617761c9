import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable, type DataColumn, type TableSort } from "@/components/ui/data-table";
import { StatusBadge } from "@/components/users/badges";
import type { SortOrder } from "@/lib/http/list-params";
import type { UserRecord } from "@/lib/users/records";
import { userStatus } from "@/lib/users/status";
import { RelativeTime } from "@/components/ui/relative-time";

export function ServiceUsersTable({
  users,
  tokenCounts,
  orphaned = new Set(),
  sort = null,
  hrefForSort,
  nameSortReason,
}: {
  users: UserRecord[];
  tokenCounts: Map<string, number>;
  /** Service users with a token whose creator is now blocked or deleted (lib/tokens/creators.ts). */
  orphaned?: Set<string>;
  sort?: TableSort;
  hrefForSort?: (key: string, order: SortOrder) => string;
  /** Set when names can't be sorted now (too many match; lib/users/sort.ts). */
  nameSortReason?: string;
}) {
  const t = useTranslations("columns");
  const team = useTranslations("team");
  const nav = useTranslations("nav");
  const tp = useTranslations("serviceUsersPage");
  const columns: Array<DataColumn<UserRecord>> = [
    {
      id: "name",
      header: t("name"),
      sortKey: "name",
      unsortableReason: nameSortReason,
      className: "px-4 py-3",
      cell: (user) => (
        <Link href={`/team/service-users/${user.id}`} data-row-link="" className="font-medium text-slate-900">
          {user.name}
        </Link>
      ),
    },
    { id: "role", header: t("role"), sortKey: "role", cell: (user) => team(`roles.${user.role}.name`) },
    { id: "status", header: t("status"), sortKey: "status", className: "px-4 py-3", cell: (user) => <StatusBadge status={userStatus(user)} /> },
    {
      id: "tokens",
      header: t("tokens"),
      className: "px-4 py-3 tabular-nums text-slate-700",
      cell: (user) => (
        <>
          {tokenCounts.get(user.id) ?? 0}
          {orphaned.has(user.id) && (
            <span className="ml-2 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">
              {tp("orphaned")}
            </span>
          )}
        </>
      ),
    },
    { id: "created_at", header: t("created"), sortKey: "created_at", cell: (user) => <RelativeTime date={user.createdAt} /> },
  ];
  return (
    <DataTable label={nav("serviceUsers")} rows={users} rowKey={(u) => u.id} columns={columns} sort={sort} hrefForSort={hrefForSort} empty={null} />
  );
}
