import type { Metadata } from "next";
import { DetailsSection } from "@/components/shell/details-section";
import { DetailHeader, SectionHeader } from "@/components/shell/page-header";
import { routeId } from "@/app/page-params";
import { redirect } from "next/navigation";
import { ServiceUserActions } from "@/components/service-users/service-user-actions";
import { CreateTokenDialog } from "@/components/tokens/create-token-dialog";
import { tokenRowsFor, tokenScopeChoice } from "@/components/tokens/token-rows";
import { TokensTable } from "@/components/tokens/tokens-table";
import { Alert } from "@/components/ui/alert";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { StatusBadge } from "@/components/users/badges";
import { EditUserForm } from "@/components/users/edit-user-form";
import { getTranslations } from "next-intl/server";
import { ROLES } from "@/lib/db/schema";
import { groupNamesFor } from "@/lib/groups/queries";
import { assertCanManageTokens } from "@/lib/tokens/rules";
import { allows, assertCanDeleteUser, assertCanUpdateUser } from "@/lib/users/rules";
import { userStatus } from "@/lib/users/status";
import { RelativeTime } from "@/components/ui/relative-time";
import { namedTitle } from "@/i18n/titles";
import { userLabel } from "@/lib/users/records";
import { loadPersonPage } from "../../person-page";
import { Card, CardHeading } from "@/components/ui/card";

/** "deploy bot · Service users · Latchkey": whose page it is, in the title a screen reader says first. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { user } = await loadPersonPage(await routeId(params));
  return namedTitle("serviceUserNamed", userLabel(user));
}

export default async function ServiceUserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const id = await routeId(params);
  const { actor, user } = await loadPersonPage(id);
  if (!user.isServiceUser) redirect(`/team/users/${id}`);
  const [t, col, team] = await Promise.all([getTranslations("serviceUsersPage"), getTranslations("columns"), getTranslations("team")]);
  // Visible to this actor (getUser passed), so the rules decide between seeing tokens and not.
  const tokens = await tokenRowsFor(actor, id);
  const created = (await searchParams).created === "1";
  const groupNames = await groupNamesFor(actor);
  const groups = [...groupNames].map(([gid, name]) => ({ id: gid, name })).sort((a, b) => a.name.localeCompare(b.name));

  // Seeing it (getUser passed) is the service_users:read its token actions declare besides tokens:*.
  const canManageTokens = allows(() => assertCanManageTokens(actor, user));
  const scope = await tokenScopeChoice(actor, user.id);
  // What its tokens may do follows all of its roles (groups included), not only the primary one.
  const tokensMean = t(`tokensMean.${scope.permissions.some((p) => !p.name.endsWith(":read")) ? "write" : "readOnly"}`);
  const canEdit = allows(() => assertCanUpdateUser(actor, user, { profile: true }));
  const roles = ROLES.filter((role) => role === user.role || allows(() => assertCanUpdateUser(actor, user, { profile: false, role })));
  const allowed = {
    block: allows(() => assertCanUpdateUser(actor, user, { profile: false, isBlocked: !user.isBlocked })),
    delete: allows(() => assertCanDeleteUser(actor, user)),
  };

  const facts: [string, React.ReactNode][] = [
    [col("role"), `${team(`roles.${user.role}.name`)} — ${tokensMean}`],
    [col("status"), <StatusBadge key="s" status={userStatus(user)} />],
    [col("groups"), user.autoGroups.map((g) => groupNames.get(g) ?? g).join(", ") || "—"],
    [col("created"), <RelativeTime key="c" date={user.createdAt} />],
  ];

  return (
    <div className="max-w-5xl space-y-8">
      <DetailHeader
        backHref="/team/service-users"
        backLabel={team("backToServiceUsers")}
        title={user.name}
        badge={<span className="inline-block whitespace-nowrap ml-2 align-middle rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">{team("serviceUser")}</span>}
        actions={<ServiceUserActions user={{ id: user.id, name: user.name, isBlocked: user.isBlocked }} allowed={allowed} />}
      />

      {created && <RedirectNotice param="created">{t("created")}</RedirectNotice>}
      {user.isBlocked && <Alert tone="info">{t("blocked")}</Alert>}

      <Card labelledBy="tokens-heading">
        <SectionHeader
          id="tokens-heading"
          title={t("tokensHeading")}
          description={
            <>
              {t.rich("useAs", { token: "<token>", code: (chunks) => <code className="rounded bg-slate-100 px-1">{chunks}</code> })} {tokensMean}
            </>
          }
          actions={canManageTokens && <CreateTokenDialog userId={user.id} scope={scope} />}
        />
        <TokensTable tokens={tokens} canManage={canManageTokens} whose="its" />
      </Card>

      <DetailsSection facts={facts} />

      {canEdit && (
        <Card labelledBy="edit-heading">
          <CardHeading id="edit-heading" className="mb-4">
            {t("edit")}
          </CardHeading>
          <EditUserForm
            user={{
              id: user.id,
              name: user.name,
              email: null,
              username: user.username,
              role: user.role,
              isBlocked: user.isBlocked,
              autoGroups: user.autoGroups,
              emailEdit: "fromIdp", // service users have no email (the field is not shown)
              emailVerified: false,
              canVouchForEmail: false,
              groupsEditable: allows(() => assertCanUpdateUser(actor, user, { profile: true, groups: true })),
            }}
            roles={roles}
            groups={groups}
          />
        </Card>
      )}
    </div>
  );
}
