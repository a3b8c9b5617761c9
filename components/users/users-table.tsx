/**
 * Team → Users' table, server side: turns the page's user records into plain
 * rows (the group names joined, the status and the sign-in source worked out
 * here, once) and hands them to the one client table (users-table-view.tsx),
 * so the server sends 25 rows of data rather than every cell's elements and
 * client components (round 10 in docs/benchmarks.md).
 */
import { useTranslations } from "next-intl";
import { sortHrefsFor, type TableSort } from "@/components/ui/data-table";
import type { SortOrder } from "@/lib/http/list-params";
import { sourceOf, type IdentitySource } from "@/lib/idp/sources";
import type { UserRecord } from "@/lib/users/records";
import { userStatus } from "@/lib/users/status";
import { UsersTableView, type UserRow } from "./users-table-view";

/**
 * The sort keys the headers link to (username shares the name column). Here, not in the client module:
 * a server module importing a value from a "use client" one gets a reference, not the value.
 */
const SORT_KEYS = ["name", "username", "email", "role", "status", "last_login", "created_at"];

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
  const nav = useTranslations("nav");
  const now = new Date();
  const rows: UserRow[] = users.map((user) => ({
    id: user.id,
    name: user.name,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    role: user.role,
    status: userStatus(user, now),
    groups: user.autoGroups.length === 0 ? null : user.autoGroups.map((id) => groupNames.get(id) ?? id).join(", "),
    mfa: Boolean(user.mfa?.totp || (user.mfa?.passkeys ?? 0) > 0),
    source: sourceOf(user.idpId, sources),
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  }));
  return (
    <UsersTableView
      label={nav("users")}
      rows={rows}
      currentUserId={currentUserId}
      sort={sort}
      sortHrefs={hrefForSort && sortHrefsFor(SORT_KEYS, hrefForSort)}
      nameSortReason={nameSortReason}
      selectable={selectable}
      empty={empty}
    />
  );
}
