import { CreateGroupButton } from "@/components/groups/group-dialogs";
import { GroupsTable } from "@/components/groups/groups-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { pageActor } from "@/lib/sign-in/session-actor";
import { can } from "@/lib/auth/policy";
import { listGroups } from "@/lib/groups/queries";
import { MAX_PAGE_SIZE } from "@/lib/http/list-params";
import { getTranslations } from "next-intl/server";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("groups");

export default async function GroupsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await pageActor();
  // A group deleted from its own page comes back here (deleteGroupAction).
  const deleted = (await searchParams).deleted === "1";
  const t = await getTranslations("groups");
  const tp = await getTranslations("groupsPage");
  const { items, total } = await listGroups(actor, { limit: MAX_PAGE_SIZE, offset: 0 });
  // Only decides which buttons to show; the service checks every change itself.
  const canManage = can(actor, "groups:create");
  const seesAll = can(actor, "groups:read");
  const description = seesAll ? t("countAll", { count: total }) : t("countMine", { count: total });
  return (
    <>
      <PageHeader title={t("title")} description={description} actions={canManage ? <CreateGroupButton /> : undefined} />
      {deleted && (
        <div className="mb-4">
          <RedirectNotice param="deleted">{tp("toasts.deleted")}</RedirectNotice>
        </div>
      )}
      {items.length === 0 ? (
        seesAll ? (
          <EmptyState title={t("none")}>
            {t("noneBody")} {canManage ? tp("noneCreate") : t("noneAsk")}
          </EmptyState>
        ) : (
          <EmptyState title={t("notInAny")}>{t("notInAnyBody")}</EmptyState>
        )
      ) : (
        <>
          <GroupsTable groups={items} can={{ rename: can(actor, "groups:update"), delete: can(actor, "groups:delete") }} />
          {total > items.length && (
            <p className="mt-3 text-sm text-slate-600">{tp("firstOnly", { shown: items.length, total })}</p>
          )}
        </>
      )}
    </>
  );
}
