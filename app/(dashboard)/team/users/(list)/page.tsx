import type { Metadata } from "next";
import { firstValues, type SearchParams } from "@/app/page-params";
import Link from "next/link";
import { InvitesTable } from "@/components/invites/invites-table";
import { buttonClasses } from "@/components/ui/button";
import type { Actor } from "@/lib/auth/actor";
import { countValidInvites, listInvites } from "@/lib/invites/invites";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { Pagination } from "@/components/ui/pagination";
import { AddUserDialog } from "@/components/users/add-user-dialog";
import { STATUS_LABELS } from "@/components/users/badges";
import { ROLE_LABELS } from "@/components/users/role-label";
import { UsersTable } from "@/components/users/users-table";
import { UsersToolbar } from "@/components/users/users-toolbar";
import { can } from "@/lib/auth/policy";
import { pageActor } from "@/lib/auth/session-actor";
import { ROLES } from "@/lib/db/schema";
import { groupNamesFor } from "@/lib/groups/queries";
import { mailIsOn } from "@/lib/mail/settings";
import { identitySources } from "@/lib/idp/sources";
import { listUsers, userFiltersSchema } from "@/lib/users/queries";
import { USER_STATUSES } from "@/lib/users/status";

export const metadata: Metadata = { title: "Users · Latchkey" };

const PAGE_SIZE = 25;

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await pageActor();
  const query = firstValues(await searchParams);
  const page = Math.max(1, Number.parseInt(query.page ?? "1", 10) || 1);
  const parsed = userFiltersSchema.safeParse({
    search: query.search,
    role: query.role,
    status: query.status,
    group: query.group,
    service_user: "false",
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  // A hand-edited URL with an unknown filter value shows everything rather than an error page.
  const filters = parsed.success ? parsed.data : userFiltersSchema.parse({ service_user: "false", limit: PAGE_SIZE });
  const { items, total } = await listUsers(actor, filters);
  const groupNames = await groupNamesFor(actor);
  const groups = [...groupNames].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  const filtered = Boolean(filters.search || filters.role || filters.status || filters.group);
  const showInvites = query.view === "invites" || query.status === "invited";
  const canSeeInvites = can(actor, "users:read-all");
  const pendingInvites = canSeeInvites ? await countValidInvites(actor.accountId) : 0;

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
        title={showInvites && canSeeInvites ? "Invites" : "Users"}
        description={
          showInvites && canSeeInvites ? "Pending invitations. Accepted invites become users." : "People who can sign in to this account."
        }
        actions={
          <div className="flex items-center gap-2">
            {canSeeInvites && (
              <Link href={showInvites ? "/team/users" : "/team/users?view=invites"} className={buttonClasses("secondary")}>
                {showInvites ? "Show Users" : "Show Invites"}
                {!showInvites && pendingInvites > 0 && (
                  <span className="rounded-full bg-indigo-600 px-2 py-0.5 text-xs text-white" aria-label={`${pendingInvites} pending`}>
                    {pendingInvites}
                  </span>
                )}
              </Link>
            )}
            {can(actor, "users:manage") && <AddUserDialog groups={groups} mailEnabled={await mailIsOn(actor.accountId)} />}
          </div>
        }
      />
      {showInvites && canSeeInvites ? (
        <InvitesSection actor={actor} groupNames={groupNames} />
      ) : (
        <>
      {query.deleted === "1" && (
        <div className="mb-4">
          <Alert tone="success">User deleted. Their activity history is kept.</Alert>
        </div>
      )}
      {query.rejected === "1" && (
        <div className="mb-4">
          <Alert tone="success">User rejected and removed. Their activity history is kept.</Alert>
        </div>
      )}
      <UsersToolbar
        roles={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        statuses={USER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
        groups={groups.map((g) => ({ value: g.id, label: g.name }))}
      />
      {items.length === 0 ? (
        <EmptyState title={filtered ? "No users match" : "No users"}>
          {filtered ? "Try another search or clear the filters." : null}
        </EmptyState>
      ) : (
        <UsersTable users={items} currentUserId={actor.userId} groupNames={groupNames} sources={await identitySources(actor.accountId)} />
      )}
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} hrefForPage={hrefForPage} />
        </>
      )}
    </>
  );
}

async function InvitesSection({ actor, groupNames }: { actor: Actor; groupNames: Map<string, string> }) {
  const { items: invites } = await listInvites(actor);
  if (invites.length === 0) {
    return <EmptyState title="No pending invites">Invite people with Add User → Invite User.</EmptyState>;
  }
  return <InvitesTable invites={invites} groupNames={groupNames} canManage={can(actor, "users:manage")} mailEnabled={await mailIsOn(actor.accountId)} />;
}
