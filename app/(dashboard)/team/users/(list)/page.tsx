import { firstValues, pageNumber, type SearchParams } from "@/app/page-params";
import Link from "next/link";
import { InvitesTable } from "@/components/invites/invites-table";
import { buttonClasses } from "@/components/ui/button";
import type { Actor } from "@/lib/auth/actor";
import { countValidInvites, listInvites } from "@/lib/invites/invites";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { Pagination } from "@/components/ui/pagination";
import { AddUserDialog } from "@/components/users/add-user-dialog";
import { FirstSteps } from "@/components/users/first-steps";
import { UsersTable } from "@/components/users/users-table";
import { UsersToolbar } from "@/components/users/users-toolbar";
import { mayPutInGroups } from "@/lib/auth/escalation";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { groupNamesFor } from "@/lib/groups/queries";
import { mailIsOn } from "@/lib/mail/settings";
import { identitySources } from "@/lib/idp/sources";
import { userFiltersSchema } from "@/lib/users/queries";
import { roleFilterChoices } from "@/lib/users/role-filter";
import { roleName } from "@/components/roles/role-names";
import { NAME_SORT_LIMIT } from "@/lib/users/sort";
import { USER_STATUSES } from "@/lib/users/status";
import { userLabel } from "@/lib/users/records";
import { BulkSelection, type BulkAction } from "@/components/users/bulk-selection";
import { bulkUsersAction } from "../actions";
import { listSorted } from "../../list-sorted";
import { getTranslations } from "next-intl/server";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("users");

const PAGE_SIZE = 25;


/** The list's filters from the URL; a role in the URL that isn't one of the account's (custom ones too) shows everyone. */
function askedFilters(query: Record<string, string | undefined>, roleChoices: Awaited<ReturnType<typeof roleFilterChoices>>) {
  const roleAsked = roleChoices.find((r) => r.id === query.role || r.name === query.role);
  const parsed = userFiltersSchema.safeParse({
    search: query.search,
    role: roleAsked?.id,
    status: query.status,
    group: query.group,
    mfa: query.mfa,
    service_user: "false",
    sort: query.sort,
    order: query.order,
    limit: PAGE_SIZE,
    offset: (pageNumber(query.page) - 1) * PAGE_SIZE,
  });
  // A hand-edited URL with an unknown filter value shows everything rather than an error page.
  return parsed.success ? parsed.data : userFiltersSchema.parse({ service_user: "false", limit: PAGE_SIZE });
}

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await pageActor();
  const t = await getTranslations("users");
  const statusLabel = await getTranslations("status");
  const tp = await getTranslations("usersPage");
  const team = await getTranslations("team");
  const query = firstValues(await searchParams);
  const showInvites = query.view === "invites" || query.status === "invited";
  const canSeeInvites = can(actor, "invites:read");
  const mayAdd = can(actor, "users:create");
  // The page's reads don't depend on one another (the list only on the roles): started together, so on PostgreSQL
  // their round trips overlap instead of following one another (docs/benchmarks.md, round 31).
  const roleChoicesRead = roleFilterChoices(actor);
  const [roleChoices, { filters, list, sortRefused }, groupNames, sources, pendingInvites, mailOn] = await Promise.all([
    roleChoicesRead,
    roleChoicesRead.then((choices) => listSorted(actor, askedFilters(query, choices))),
    groupNamesFor(actor),
    identitySources(actor.accountId),
    canSeeInvites ? countValidInvites(actor.accountId) : 0,
    mayAdd ? mailIsOn(actor.accountId) : false,
  ]);
  const page = pageNumber(query.page);
  const { items, total } = list;
  const groups = [...groupNames].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  const filtered = Boolean(filters.search || filters.role || filters.status || filters.group || filters.mfa);
  // The viewer alone on an unfiltered list, nobody invited yet, and able to add people: what to do next.
  const alone = mayAdd && !filtered && total === 1 && items[0]?.id === actor.userId && pendingInvites === 0;

  const hrefForSort = (key: string, order: string) => {
    const next = new URLSearchParams(query);
    next.set("sort", key);
    next.set("order", order);
    next.delete("page"); // a new order starts at the first page
    return `/team/users?${next}`;
  };
  const nameSortReason =
    total > NAME_SORT_LIMIT ? t("nameSortLimit", { limit: NAME_SORT_LIMIT }) : undefined;
  const exportQuery = new URLSearchParams({ service_user: "false" });
  for (const key of ["search", "role", "status", "group"] as const) if (filters[key]) exportQuery.set(key, String(filters[key]));
  if (filters.sort) {
    exportQuery.set("sort", filters.sort);
    exportQuery.set("order", filters.order);
  }
  // Bulk block, unblock and delete: each row's own rules still apply.
  const bulk: BulkAction[] = [...(can(actor, "users:block") ? (["block", "unblock"] as const) : []), ...(can(actor, "users:delete") ? (["delete"] as const) : [])];
  const canManage = bulk.length > 0;

  const hrefForPage = (p: number) => {
    const next = new URLSearchParams(query);
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    const qs = next.toString();
    return qs ? `/team/users?${qs}` : "/team/users";
  };

  return (
    <>
      <PageHeader
        title={showInvites && canSeeInvites ? t("invitesTitle") : t("title")}
        description={
          showInvites && canSeeInvites ? t("invitesDescription") : can(actor, "users:read") ? t("description") : t("descriptionOnlyYou")
        }
        actions={
          <div className="flex flex-wrap items-center gap-2">
            {canSeeInvites && (
              <Link href={showInvites ? "/team/users" : "/team/users?view=invites"} className={buttonClasses("secondary")}>
                {showInvites ? t("showUsers") : t("showInvites")}
                {!showInvites && pendingInvites > 0 && (
                  <span className="rounded-full bg-indigo-600 px-2 py-0.5 text-xs text-white" aria-label={t("pending", { count: pendingInvites })}>
                    {pendingInvites}
                  </span>
                )}
              </Link>
            )}
            {can(actor, "users:read") && !showInvites && (
              <a href={`/api/users/export?${exportQuery}`} className={buttonClasses("secondary")} download>
                {t("exportCsv")}
              </a>
            )}
            {mayAdd && <AddUserDialog groups={groups} mailEnabled={mailOn} groupsOnCreate={mayPutInGroups(actor)} />}
          </div>
        }
      />
      {showInvites && canSeeInvites ? (
        <InvitesSection actor={actor} groupNames={groupNames} />
      ) : (
        <>
      {query.deleted === "1" && (
        <div className="mb-4">
          <RedirectNotice param="deleted">{tp("deleted")}</RedirectNotice>
        </div>
      )}
      {query.rejected === "1" && (
        <div className="mb-4">
          <RedirectNotice param="rejected">{tp("rejected")}</RedirectNotice>
        </div>
      )}
      {alone && <FirstSteps setUpMail={!mailOn && can(actor, "settings:email")} />}
      {/* Without users:read the list holds only the viewer: nothing to search or filter. */}
      {can(actor, "users:read") && (
        <UsersToolbar
          roles={roleChoices.map((r) => ({ value: r.id, label: roleName(team, r) }))}
          statuses={USER_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          groups={groups.map((g) => ({ value: g.id, label: g.name }))}
          mfa={[{ value: "on", label: team("on") }, { value: "off", label: team("off") }]}
        />
      )}
      {sortRefused && (
        <div className="mb-4">
          <Alert tone="info">{tp("sortRefused", { limit: NAME_SORT_LIMIT })}</Alert>
        </div>
      )}
      {(() => {
        const table = (
          <UsersTable
            users={items}
            currentUserId={actor.userId}
            groupNames={groupNames}
            sources={sources}
            sort={filters.sort ? { key: filters.sort, order: filters.order } : null}
            hrefForSort={hrefForSort}
            nameSortReason={nameSortReason}
            selectable={canManage}
            empty={
              <EmptyState title={filtered ? t("noMatch") : t("none")}>
                {filtered ? t("noMatchBody") : null}
              </EmptyState>
            }
          />
        );
        return canManage && items.length > 0 ? (
          <BulkSelection users={items.map((u) => ({ id: u.id, label: userLabel(u) }))} allowed={bulk} run={bulkUsersAction}>
            {table}
          </BulkSelection>
        ) : (
          table
        );
      })()}
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} hrefForPage={hrefForPage} />
        </>
      )}
    </>
  );
}

async function InvitesSection({ actor, groupNames }: { actor: Actor; groupNames: Map<string, string> }) {
  const { items: invites } = await listInvites(actor);
  const t = await getTranslations("invitesPage");
  if (invites.length === 0) {
    return <EmptyState title={t("none")}>{t("noneBody")}</EmptyState>;
  }
  return <InvitesTable invites={invites} groupNames={groupNames} can={{ renew: can(actor, "invites:create"), delete: can(actor, "invites:delete") }} mailEnabled={await mailIsOn(actor.accountId)} />;
}
