import { CreateGroupButton } from "@/components/groups/group-dialogs";
import { GroupsTable } from "@/components/groups/groups-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { pageActor } from "@/lib/auth/session-actor";
import { can } from "@/lib/auth/policy";
import { listGroups } from "@/lib/groups/queries";
import { MAX_PAGE_SIZE } from "@/lib/http/list-params";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("groups");

export default async function GroupsPage() {
  const actor = await pageActor();
  const { items, total } = await listGroups(actor, { limit: MAX_PAGE_SIZE, offset: 0 });
  // Only decides which buttons to show; the service checks every change itself.
  const canManage = can(actor, "groups:create");
  const seesAll = can(actor, "groups:read");
  const count = `${total} ${total === 1 ? "group" : "groups"}`;
  const description = seesAll ? `${count} in this account.` : `The groups you belong to: ${count}.`;
  return (
    <>
      <PageHeader title="Groups" description={description} actions={canManage ? <CreateGroupButton /> : undefined} />
      {items.length === 0 ? (
        seesAll ? (
          <EmptyState title="No groups yet">
            Groups collect users so they can be assigned together.
            {canManage ? " Create the first one with Create Group." : " The owner or an admin can create them."}
          </EmptyState>
        ) : (
          <EmptyState title="You are not in any group">An admin can add you to groups.</EmptyState>
        )
      ) : (
        <>
          <GroupsTable groups={items} canManage={canManage} />
          {total > items.length && (
            <p className="mt-3 text-sm text-slate-600">
              Showing the first {items.length} of {total} groups. Use the API (GET /api/groups with limit and offset) for the rest.
            </p>
          )}
        </>
      )}
    </>
  );
}
