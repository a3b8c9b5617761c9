import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable, type DataColumn, type TableSort } from "@/components/ui/data-table";
import type { SortOrder } from "@/lib/http/list-params";
import { sourceOf, type IdentitySource } from "@/lib/idp/sources";
import type { UserRecord } from "@/lib/users/records";
import { userStatus } from "@/lib/users/status";
import { IdentityProviderBadge, StatusBadge } from "./badges";
import { SelectPageCheckbox, SelectUserCheckbox } from "./bulk-selection";
import { RelativeTime } from "@/components/ui/relative-time";

export function UsersTable({
  users,
  currentUserId,
  groupNames,
  sources,
  sort = null,
  hrefForSort,
  nameSortReason,
  selectable = false,
  empty,
}: {
  users: UserRecord[];
  currentUserId: string;
  groupNames: Map<string, string>;
  sources: Map<string, IdentitySource>;
  sort?: TableSort;
  hrefForSort?: (key: string, order: SortOrder) => string;
  /** Set when names, usernames and emails can't be sorted now (too many users match; lib/users/sort.ts). */
  nameSortReason?: string;
  /** Rows have checkboxes for the bulk actions (inside a BulkSelection). */
  selectable?: boolean;
  empty: React.ReactNode;
}) {
  const t = useTranslations("columns");
  const team = useTranslations("team");
  const nav = useTranslations("nav");
  const columns: Array<DataColumn<UserRecord>> = [
    ...(selectable
      ? [
          {
            id: "select",
            header: t("select"),
            headerCell: <SelectPageCheckbox />,
            cell: (user: UserRecord) => <SelectUserCheckbox id={user.id} label={user.name || user.email || user.username || user.id} />,
            className: "w-10 px-4 py-3",
          },
        ]
      : []),
    {
      id: "name",
      header: t("name"),
      sortKey: "name",
      // usernames: shown under the name, sorted from the same header.
      alsoSortBy: [{ key: "username", header: t("username") }],
      unsortableReason: nameSortReason,
      className: "px-4 py-3",
      cell: (user) => (
        <>
          <Link href={`/team/users/${user.id}`} className="font-medium text-slate-900 after:absolute after:inset-0">
            {user.name || user.email || user.username}
          </Link>
          {user.id === currentUserId && (
            <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">{team("you")}</span>
          )}
          {/* usernames: under the name (the email has its own column). */}
          <div className="text-slate-500">{user.username}</div>
        </>
      ),
    },
    // Emails are encrypted like names, so they sort the same way (lib/users/sort.ts), under the same limit.
    {
      id: "email",
      header: t("email"),
      sortKey: "email",
      unsortableReason: nameSortReason,
      className: "whitespace-nowrap px-4 py-3 text-slate-700",
      cell: (user) => user.email ?? <span className="text-slate-500">—</span>,
    },
    { id: "role", header: t("role"), sortKey: "role", cell: (user) => team(`roles.${user.role}.name`) },
    { id: "status", header: t("status"), sortKey: "status", className: "px-4 py-3", cell: (user) => <StatusBadge status={userStatus(user)} /> },
    {
      id: "groups",
      header: t("groups"),
      cell: (user) =>
        user.autoGroups.length === 0 ? <span className="text-slate-500">—</span> : user.autoGroups.map((id) => groupNames.get(id) ?? id).join(", "),
    },
    // two-factor: whether the person has a second factor (types and counts are on their page).
    { id: "mfa", header: t("twoFactor"), cell: (user) => (user.mfa?.totp || (user.mfa?.passkeys ?? 0) > 0 ? team("on") : team("off")) },
    { id: "idp", header: t("identityProvider"), className: "px-4 py-3", cell: (user) => <IdentityProviderBadge source={sourceOf(user.idpId, sources)} /> },
    { id: "last_login", header: t("lastLogin"), sortKey: "last_login", cell: (user) => <RelativeTime date={user.lastLoginAt} /> },
    { id: "created_at", header: t("created"), sortKey: "created_at", cell: (user) => <RelativeTime date={user.createdAt} /> },
  ];
  return (
    <DataTable label={nav("users")} rows={users} rowKey={(u) => u.id} columns={columns} sort={sort} hrefForSort={hrefForSort} empty={empty} />
  );
}
