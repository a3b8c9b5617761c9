import type { Metadata } from "next";
import { loadPersonPage } from "../../person-page";
import { UserRolesSection } from "@/components/roles/user-roles-section";
import { DetailsSection } from "@/components/shell/details-section";
import { DetailHeader } from "@/components/shell/page-header";
import { routeId } from "@/app/page-params";
import { redirect } from "next/navigation";
import { CreatedServiceTokens } from "@/components/tokens/created-service-tokens";
import { Alert } from "@/components/ui/alert";
import { RedirectNotice } from "@/components/ui/redirect-notice";
import { IdentityProviderBadge, StatusBadge } from "@/components/users/badges";
import { EmailWithProof } from "@/components/users/email-with-proof";
import { EditUserForm } from "@/components/users/edit-user-form";
import { SessionsTable } from "@/components/users/sessions-table";
import { UserActions } from "@/components/users/user-actions";
import { UserFactors } from "@/components/mfa/user-factors";
import { assertCanResetTwoFactor } from "@/lib/mfa/admin";
import { ownProofKind } from "@/lib/mfa/proof";
import { can } from "@/lib/auth/policy";
import { mailIsOn } from "@/lib/mail/settings";
import { ROLES, type Role } from "@/lib/db/schema";
import { groupNamesFor } from "@/lib/groups/queries";
import { identitySources, sourceOf } from "@/lib/idp/sources";
import { listUserSessions } from "@/lib/sessions/queries";
import { serviceTokensCreatedBy } from "@/lib/tokens/creators";
import { userLabel } from "@/lib/users/records";
import { emailNotOurs, vouchesForEmail } from "@/lib/users/rules";
import {
  allows,
  transferNeedsProof,
  assertCanDeleteUser,
  assertCanResetPassword,
  assertCanRevokeSessions,
  assertCanUnlockUser,
  assertCanUpdateUser,
} from "@/lib/users/rules";
import { userStatus } from "@/lib/users/status";
import { RelativeTime } from "@/components/ui/relative-time";
import { namedTitle } from "@/i18n/titles";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card, CardHeading } from "@/components/ui/card";

/** "Ann Lee · Users · Latchkey": whose page it is, in the title a screen reader says first. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { user } = await loadPersonPage(await routeId(params));
  return namedTitle("userNamed", userLabel(user));
}

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const id = await routeId(params);
  const { actor, user } = await loadPersonPage(id);
  if (user.isServiceUser) redirect(`/team/service-users/${id}`);
  const [t, col, team, format] = await Promise.all([getTranslations("usersPage"), getTranslations("columns"), getTranslations("team"), getFormatter()]);
  const sessions = await listUserSessions(actor, id);
  const serviceTokens = can(actor, "tokens:read") && can(actor, "service_users:read") ? await serviceTokensCreatedBy(actor, id) : [];
  const groupNames = await groupNamesFor(actor);
  const groups = [...groupNames].map(([gid, name]) => ({ id: gid, name })).sort((a, b) => a.name.localeCompare(b.name));
  const label = userLabel(user);
  const transferred = (await searchParams).transferred === "1" && user.role === "owner";

  const canEdit = allows(() => assertCanUpdateUser(actor, user, { profile: true }));
  // Roles the actor may set here: the rules decide, the form only offers what would pass.
  const roles = ROLES.filter((role: Role) => role === user.role || allows(() => assertCanUpdateUser(actor, user, { profile: false, role })));
  // Offering "Owner" to an owner signed in here: the transfer asks for their proof (lib/users/rules.ts).
  const transferProof = roles.includes("owner") && transferNeedsProof(actor, user.id, "owner") ? await ownProofKind(actor) : undefined;
  const locked = userStatus(user) === "locked";
  const allowed = {
    manage: allows(() => assertCanUnlockUser(actor)),
    approve: !!user.pendingApproval && can(actor, "users:block"),
    unlock: locked && allows(() => assertCanUnlockUser(actor)),
    block: allows(() => assertCanUpdateUser(actor, user, { profile: false, isBlocked: !user.isBlocked })),
    resetPassword: allows(() => assertCanResetPassword(actor, user)),
    sendResetLink: (await mailIsOn(actor.accountId)) && allows(() => assertCanResetPassword(actor, user)) && (user.email ? true : ("no-email" as const)),
    revokeSessions: sessions.length > 0 && allows(() => assertCanRevokeSessions(actor, user)),
    delete: allows(() => assertCanDeleteUser(actor, user)),
  };

  const facts: [string, React.ReactNode][] = [
    [col("username"), user.username],
    [col("email"), <EmailWithProof key="e" email={user.email} verified={user.emailVerified} />],
    [col("role"), team(`roles.${user.role}.name`)],
    [col("status"), <StatusBadge key="s" status={userStatus(user)} />],
    [col("groups"), user.autoGroups.map((g) => groupNames.get(g) ?? g).join(", ") || "—"],
    [col("identityProvider"), <IdentityProviderBadge key="i" source={sourceOf(user.idpId, await identitySources(actor.accountId))} />],
    [col("created"), <RelativeTime key="c" date={user.createdAt} />],
    [col("lastLogin"), <RelativeTime key="l" date={user.lastLoginAt} />],
  ];

  return (
    <div className="max-w-4xl space-y-8">
      <DetailHeader
        backHref="/team/users"
        backLabel={team("backToUsers")}
        title={label}
        badge={
          user.id === actor.userId && (
            <span className="inline-block whitespace-nowrap ml-2 align-middle rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">{team("you")}</span>
          )
        }
        actions={<UserActions user={{ id: user.id, label, isBlocked: user.isBlocked }} allowed={allowed} />}
      />

      {locked && (
        <Alert tone="info">
          {t("locked", { until: user.lockedUntil ? `${format.dateTime(user.lockedUntil, { dateStyle: "medium", timeStyle: "short" })} UTC` : "—" })}
        </Alert>
      )}

      {user.directorySuspendedAt && (
        <Alert tone="info">{t("blockedByDirectory", { since: `${format.dateTime(user.directorySuspendedAt, { dateStyle: "medium", timeStyle: "short" })} UTC` })}</Alert>
      )}

      {transferred && (
        <RedirectNotice param="transferred">{t("transferred", { name: label })}</RedirectNotice>
      )}

      <DetailsSection facts={facts} />

      {canEdit && (
        <Card labelledBy="edit-heading">
          <CardHeading id="edit-heading" className="mb-4">
            {t("editUser")}
          </CardHeading>
          <EditUserForm
            user={{
              id: user.id,
              name: user.name,
              email: user.email,
              username: user.username,
              role: user.role,
              isBlocked: user.isBlocked,
              autoGroups: user.autoGroups,
              // The rules are assertCanUpdateUser's: one's own email moves in Profile, another's needs users:reset_password.
              emailEdit: emailNotOurs(user) ? "fromIdp" : user.id === actor.userId ? "ownFromProfile" : vouchesForEmail(actor) ? "editable" : "needsResetPermission",
              emailVerified: user.emailVerified,
              canVouchForEmail: !emailNotOurs(user) && vouchesForEmail(actor),
              groupsEditable: allows(() => assertCanUpdateUser(actor, user, { profile: true, groups: true })),
            }}
            roles={roles}
            groups={groups}
            transferProof={transferProof}
          />
        </Card>
      )}
      {!canEdit && can(actor, "users:update") && user.role === "owner" && actor.userId !== user.id && (
        <p className="text-sm text-slate-600">{t("onlyOwner")}</p>
      )}

      {user.mfa && <UserFactors userId={user.id} label={label} mfa={user.mfa} resetProof={allows(() => assertCanResetTwoFactor(actor, user)) ? await ownProofKind(actor) : undefined} />}
      <UserRolesSection actor={actor} userId={user.id} isSelf={user.id === actor.userId} />

      <Card labelledBy="sessions-heading">
        <CardHeading id="sessions-heading">
          {team("activeSessions")}
        </CardHeading>
        <SessionsTable sessions={sessions} />
      </Card>

      {serviceTokens.length > 0 && <CreatedServiceTokens tokens={serviceTokens} personBlocked={user.isBlocked} canDelete={can(actor, "tokens:delete")} />}
    </div>
  );
}
