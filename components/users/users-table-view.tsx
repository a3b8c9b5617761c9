"use client";
/**
 * Team → Users' table in the browser: one client component given the rows as
 * plain data (components/users/users-table.tsx makes them on the server).
 * Same cells as before: the name links to the person (the link covers the
 * row), "You" on the viewer's own row, the username under the name, the
 * badges, the times as "2 hours ago", and a checkbox per row for the bulk
 * actions when inside a BulkSelection.
 */
import Link from "next/link";
import { useTranslations } from "next-intl";
import { DataTable, type DataColumn, type SortHrefs, type TableSort } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { IdentitySource } from "@/lib/idp/sources";
import type { UserRecord } from "@/lib/users/records";
import type { UserStatus } from "@/lib/users/status";
import { SourcePill, StatusPill } from "./badges";
import { EmailCell } from "./email-with-proof";
import { SelectPageCheckbox, SelectUserCheckbox } from "./bulk-selection";

/** One user as the table shows them. */
export type UserRow = {
  id: string;
  name: string;
  username: string;
  email: string | null;
  /** Someone proved the email (else "Not confirmed" beside it). */
  emailVerified: boolean;
  role: UserRecord["role"];
  status: UserStatus;
  /** The group names, joined; null: none. */
  groups: string | null;
  /** Has a second factor. */
  mfa: boolean;
  source: IdentitySource;
  lastLoginAt: Date | null;
  createdAt: Date;
};

export function UsersTableView({
  label,
  rows,
  currentUserId,
  sort,
  sortHrefs,
  nameSortReason,
  selectable,
  empty,
}: {
  /** The table's accessible name. */
  label: string;
  rows: UserRow[];
  currentUserId: string;
  sort: TableSort;
  sortHrefs?: SortHrefs;
  nameSortReason?: string;
  selectable: boolean;
  empty: React.ReactNode;
}) {
  const t = useTranslations("columns");
  const team = useTranslations("team");
  // One translator each for the badges of every row.
  const status = useTranslations("status");
  const sources = useTranslations("identitySources");
  // "Never" for every row without a sign-in, worded once here rather than by a translator in each such cell.
  const never = useTranslations("common")("never");
  const proof = useTranslations("usersPage.emailProof");
  const notConfirmed = proof("notConfirmed");
  const notConfirmedHint = proof("notConfirmedHint");
  const columns: Array<DataColumn<UserRow>> = [
    ...(selectable
      ? [
          {
            id: "select",
            header: t("select"),
            headerCell: <SelectPageCheckbox />,
            cell: (user: UserRow) => <SelectUserCheckbox id={user.id} label={user.name || user.email || user.username || user.id} />,
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
          <Link href={`/team/users/${user.id}`} data-row-link="" className="font-medium text-slate-900">
            {user.name || user.email || user.username}
          </Link>
          {user.id === currentUserId && (
            <span className="inline-block whitespace-nowrap ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">{team("you")}</span>
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
      cell: (user) => <EmailCell email={user.email} verified={user.emailVerified} notConfirmed={notConfirmed} hint={notConfirmedHint} />,
    },
    { id: "role", header: t("role"), sortKey: "role", cell: (user) => team(`roles.${user.role}.name`) },
    { id: "status", header: t("status"), sortKey: "status", className: "px-4 py-3", cell: (user) => <StatusPill status={user.status} label={status(user.status)} /> },
    // min-w-48: a list of long group names wraps into a few lines, not one word a line (review 44).
    { id: "groups", header: t("groups"), className: "min-w-48 px-4 py-3 text-slate-700", cell: (user) => user.groups ?? <span className="text-slate-500">—</span> },
    // two-factor: whether the person has a second factor (types and counts are on their page).
    { id: "mfa", header: t("twoFactor"), cell: (user) => (user.mfa ? team("on") : team("off")) },
    { id: "idp", header: t("identityProvider"), className: "px-4 py-3", cell: (user) => <SourcePill source={user.source} t={sources} /> },
    { id: "last_login", header: t("lastLogin"), sortKey: "last_login", cell: (user) => <RelativeTime date={user.lastLoginAt} empty={never} /> },
    { id: "created_at", header: t("created"), sortKey: "created_at", cell: (user) => <RelativeTime date={user.createdAt} /> },
  ];
  return <DataTable label={label} rows={rows} rowKey={(u) => u.id} columns={columns} sort={sort} hrefForSort={sortHrefs} empty={empty} />;
}
