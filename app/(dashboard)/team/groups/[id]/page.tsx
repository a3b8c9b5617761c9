import { namedTitle } from "@/i18n/titles";
import type { Metadata } from "next";
import { routeId } from "@/app/page-params";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { DeleteGroupButton, RenameGroupButton } from "@/components/groups/group-dialogs";
import { GroupMembersTable } from "@/components/groups/group-members-table";
import { MemberPicker } from "@/components/groups/member-picker";
import { GroupRolesSection } from "@/components/roles/group-roles-section";
import { getFormatter, getTranslations } from "next-intl/server";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { pageActor } from "@/lib/sign-in/session-actor";
import { can } from "@/lib/auth/policy";
import { groupPageView, managesMembers as managesMembersOf } from "@/lib/users/group-members";
import { serverText } from "@/lib/forms/message-keys";
import { NotFound } from "@/lib/errors";

type Props = { params: Promise<{ id: string }> };

/** The group's page as this request's actor may see it (its members read once), or Next's 404 page; shared by the metadata and the page. */
const loadGroup = cache(async (id: string) => {
  const actor = await pageActor();
  try {
    return { actor, ...(await groupPageView(actor, id)) };
  } catch (err) {
    if (err instanceof NotFound) notFound();
    throw err;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { group } = await loadGroup(await routeId(params));
  return namedTitle("groupNamed", group.name);
}

export default async function GroupPage({ params }: Props) {
  // Rename and Remove are offered only where the service would accept them; a refused Rename says why instead.
  const { actor, group, renameRefused: cantRename, rolesRefused, lockedIds } = await loadGroup(await routeId(params));
  // Only decides which buttons to show; the service checks every change itself.
  const canManage = can(actor, "groups:update");
  const seesAll = can(actor, "groups:read");
  const managesMembers = managesMembersOf(actor);
  const ref = { id: group.id, name: group.name };
  const [t, nav, format, server] = await Promise.all([getTranslations("groupsPage"), getTranslations("nav"), getFormatter(), getTranslations("serverMessages")]);
  return (
    <>
      <nav aria-label={t("breadcrumb")} className="mb-2 text-sm">
        <Link href="/team/groups" className="py-1.5 text-slate-600 underline hover:text-slate-900">
          {nav("groups")}
        </Link>
        <span aria-hidden className="px-2 text-slate-500">
          /
        </span>
        <span aria-current="page" className="text-slate-900">
          {group.name}
        </span>
      </nav>
      <PageHeader
        title={group.name}
        description={t("summary", { count: group.usersCount, created: format.dateTime(group.createdAt, { dateStyle: "medium" }) })}
        actions={
          (canManage && !cantRename) || can(actor, "groups:delete") ? (
            <div className="flex flex-wrap gap-2">
              {canManage && !cantRename && <RenameGroupButton group={ref} />}
              {can(actor, "groups:delete") && <DeleteGroupButton group={ref} returnToList variant="danger" />}
            </div>
          ) : undefined
        }
      />
      {cantRename && <p className="mb-4 text-sm text-slate-600">{serverText(server, cantRename)}</p>}
      <GroupRolesSection actor={actor} groupId={group.id} refused={rolesRefused} />
      <h2 className="mb-3 text-base font-semibold text-slate-900">{t("members")}</h2>
      {!seesAll && (
        <p className="mb-3 text-sm text-slate-600">{t("seeYourself")}</p>
      )}
      {managesMembers && <MemberPicker groupId={group.id} groupName={group.name} />}
      <GroupMembersTable
        members={group.members}
        group={managesMembers ? ref : undefined}
        lockedIds={lockedIds}
        empty={
          <EmptyState title={t("noMembers")}>
            {managesMembers
              ? t("noMembersPicker")
              : t.rich("noMembersBody", {
                  users: (chunks) => (
                    <Link href="/team/users" className="font-medium text-indigo-700 hover:underline">
                      {chunks}
                    </Link>
                  ),
                })}
          </EmptyState>
        }
      />
    </>
  );
}
