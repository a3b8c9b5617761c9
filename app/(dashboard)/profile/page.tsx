import { DetailsSection } from "@/components/shell/details-section";
import { EmailSection } from "./email-section";
import { PageHeader } from "@/components/shell/page-header";
import { CreateTokenDialog } from "@/components/tokens/create-token-dialog";
import { tokenRowsFor, tokenScopeChoice } from "@/components/tokens/token-rows";
import { TokensTable } from "@/components/tokens/tokens-table";
import { IdentityProviderBadge } from "@/components/users/badges";
import { isReadPermission } from "@/lib/auth/permissions";
import { permissionsOfActor } from "@/lib/auth/policy";
import { pageActor } from "@/lib/sign-in/session-actor";
import { identitySources, sourceOf } from "@/lib/idp/sources";
import { assertCanManageTokens } from "@/lib/tokens/rules";
import { proofKindOf } from "@/lib/mfa/proof";
import { getUser } from "@/lib/users/queries";
import { allows } from "@/lib/users/rules";
import { RelativeTime } from "@/components/ui/relative-time";
import { NameSection } from "./name-section";
import { SessionsSection } from "./sessions-section";
import { AppsSection } from "./apps-section";
import { UsernameSection } from "./username-section";
import { TwoFactorSection } from "./two-factor-section";
import { Appearance } from "./appearance";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";
import { Card, CardHeading } from "@/components/ui/card";

export const generateMetadata = titled("profile");

/** The signed-in person's own account and their personal access tokens (nobody else manages these). */
export default async function ProfilePage() {
  const actor = await pageActor();
  const t = await getTranslations("profile");
  const tp = await getTranslations("profilePage");
  const team = await getTranslations("team");
  const me = await getUser(actor, actor.userId);
  const tokens = await tokenRowsFor(actor, me.id);
  const canManageTokens = allows(() => assertCanManageTokens(actor, me));
  // Custom roles count: any permission that changes something makes tokens able to write.
  const writes = [...permissionsOfActor(actor)].some((p) => !isReadPermission(p));
  const source = sourceOf(me.idpId, await identitySources(actor.accountId));

  const facts: [string, React.ReactNode][] = [
    [tp("facts.name"), me.name || "—"],
    [tp("facts.email"), me.email ?? "—"],
    [tp("facts.role"), team(`roles.${me.role}.name`)],
    [tp("facts.identityProvider"), <IdentityProviderBadge key="i" source={source} />],
    [tp("facts.memberSince"), <RelativeTime key="c" date={me.createdAt} />],
    [tp("facts.lastLogin"), <RelativeTime key="l" date={me.lastLoginAt} />],
  ];

  return (
    <div className="max-w-5xl space-y-8">
      <PageHeader title={t("title")} description={t("description")} />

      <DetailsSection facts={facts} />
      <NameSection me={me} />
      <SessionsSection actor={actor} />
      <AppsSection actor={actor} />
      <UsernameSection actor={actor} username={me.username} hasEmail={me.email !== null} source={source} hasLocalPassword={me.hasLocalPassword} />
      <TwoFactorSection actor={actor} hasLocalPassword={me.hasLocalPassword} />
      <EmailSection actor={actor} />
      <Appearance />

      <Card labelledBy="tokens-heading">
        <div className="flex flex-wrap items-center justify-between gap-4">
          <div>
            <CardHeading id="tokens-heading">
              {tp("tokens.heading")}
            </CardHeading>
            <p className="mt-1 max-w-2xl text-sm text-slate-600">
              {tp("tokens.description")}{" "}
              {writes ? tp("tokens.writes") : tp("tokens.readOnly")}
            </p>
          </div>
          {canManageTokens && (
            <CreateTokenDialog userId={me.id} scope={await tokenScopeChoice(actor, me.id)} proof={await proofKindOf(me.id, me.hasLocalPassword)} />
          )}
        </div>
        <TokensTable tokens={tokens} canManage={canManageTokens} />
      </Card>
    </div>
  );
}
