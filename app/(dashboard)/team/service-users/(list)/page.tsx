import { firstValues, pageNumber, type SearchParams } from "@/app/page-params";
import { CreateServiceUserDialog } from "@/components/service-users/create-service-user-dialog";
import { ServiceUsersTable } from "@/components/service-users/service-users-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { Pagination } from "@/components/ui/pagination";
import { UsersToolbar } from "@/components/users/users-toolbar";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import type { Role } from "@/lib/db/schema";
import { serviceUsersWithOrphanedTokens } from "@/lib/tokens/creators";
import { tokenCountsByUser } from "@/lib/tokens/queries";
import { userFiltersSchema } from "@/lib/users/queries";
import { getTranslations } from "next-intl/server";
import { NAME_SORT_LIMIT } from "@/lib/users/sort";
import { listSorted } from "../../list-sorted";
import type { UserStatus } from "@/lib/users/status";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("serviceUsers");

const PAGE_SIZE = 25;
const SERVICE_ROLES: Role[] = ["user", "auditor", "admin"];
const SERVICE_STATUSES: UserStatus[] = ["active", "blocked"];

export default async function ServiceUsersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await pageActor();
  const t = await getTranslations("serviceUsers");
  const statusLabel = await getTranslations("status");
  const tp = await getTranslations("serviceUsersPage");
  const team = await getTranslations("team");
  const description = t("description");
  if (!can(actor, "service_users:read")) {
    return (
      <>
        <PageHeader title={t("title")} description={description} />
        <EmptyState title={t("notAvailable")}>{t("notAvailableBody")}</EmptyState>
      </>
    );
  }
  const query = firstValues(await searchParams);
  const page = pageNumber(query.page);
  const parsed = userFiltersSchema.safeParse({
    search: query.search,
    role: query.role,
    status: query.status,
    service_user: "true",
    sort: query.sort,
    order: query.order,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  // A hand-edited URL with an unknown filter value shows everything rather than an error page.
  const asked = parsed.success ? parsed.data : userFiltersSchema.parse({ service_user: "true", limit: PAGE_SIZE });
  const { filters, list, sortRefused } = await listSorted(actor, asked);
  const { items, total } = list;
  const tokenCounts = await tokenCountsByUser(actor, items.map((u) => u.id));
  const orphaned = await serviceUsersWithOrphanedTokens(actor, items.map((u) => u.id));
  const filtered = Boolean(filters.search || filters.role || filters.status);

  const hrefForPage = (p: number) => {
    const next = new URLSearchParams(query);
    next.delete("deleted");
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    const qs = next.toString();
    return qs ? `/team/service-users?${qs}` : "/team/service-users";
  };

  const hrefForSort = (key: string, order: string) => {
    const next = new URLSearchParams(query);
    next.delete("deleted");
    next.delete("page"); // a new order starts at the first page
    next.set("sort", key);
    next.set("order", order);
    return `/team/service-users?${next}`;
  };
  const nameSortReason = total > NAME_SORT_LIMIT ? tp("nameSortLimit", { limit: NAME_SORT_LIMIT }) : undefined;

  return (
    <>
      <PageHeader
        title={t("title")}
        description={description}
        actions={can(actor, "service_users:create") ? <CreateServiceUserDialog /> : undefined}
      />
      {query.deleted === "1" && (
        <div className="mb-4">
          <RedirectNotice param="deleted">{tp("deleted")}</RedirectNotice>
        </div>
      )}
      <UsersToolbar
        searchLabel={t("search")}
        placeholder={t("searchPlaceholder")}
        roles={SERVICE_ROLES.map((r) => ({ value: r, label: team(`roles.${r}.name`) }))}
        statuses={SERVICE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
        groups={[]}
      />
      {sortRefused && (
        <div className="mb-4">
          <Alert tone="info">{tp("sortRefused", { limit: NAME_SORT_LIMIT })}</Alert>
        </div>
      )}
      {items.length === 0 ? (
        <EmptyState title={filtered ? t("noMatch") : t("none")}>
          {filtered ? t("noMatchBody") : t("noneBody")}
        </EmptyState>
      ) : (
        <ServiceUsersTable
          users={items}
          tokenCounts={tokenCounts}
          orphaned={orphaned}
          sort={filters.sort ? { key: filters.sort, order: filters.order } : null}
          hrefForSort={hrefForSort}
          nameSortReason={nameSortReason}
        />
      )}
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} hrefForPage={hrefForPage} />
    </>
  );
}
