import { headers } from "next/headers";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { UnusableLinkNote } from "@/components/auth/unusable-link-note";
import { AcceptInviteForm } from "@/components/invites/accept-invite-form";
import { Alert } from "@/components/ui/alert";
import { RateLimited } from "@/lib/errors";
import { linkToken } from "@/lib/http/link-token";
import { requestMeta } from "@/lib/http/request-meta";
import { InviteUnusable, inviteGroupNames, lookupInvite, type InviteView } from "@/lib/invites/acceptance";
import { madeByOperator } from "@/lib/invites/records";
import { titled } from "@/i18n/titles";
import { getFormatter, getTranslations } from "next-intl/server";

export const generateMetadata = titled("invite");

async function findInvite(token: string): Promise<InviteView | { problem: string }> {
  try {
    return await lookupInvite(token, requestMeta(await headers()));
  } catch (err) {
    if (err instanceof InviteUnusable || err instanceof RateLimited) return { problem: err.message };
    throw err;
  }
}

async function Problem({ title, message, held }: { title: string; message: string; held: string | null }) {
  const t = await getTranslations("publicPages.invite");
  return (
    <AuthCard title={title}>
      <div className="space-y-4">
        <Alert tone="error">{message}</Alert>
        <UnusableLinkNote kind="invite" held={held} />
        <p className="text-sm text-slate-600">
          {t("alreadyHave")}{" "}
          <Link href="/login" className="font-medium text-indigo-600 hover:text-indigo-500">
            {t("signIn")}
          </Link>
        </p>
      </div>
    </AuthCard>
  );
}

/** Opened from an invite link: proxy.ts moved its token into a cookie (lib/http/link-cookie.ts), read here. */
export default async function InvitePage() {
  const link = await linkToken("invite");
  const found = await findInvite(link.token);
  const t = await getTranslations("publicPages.invite");
  const team = await getTranslations("team");
  const format = await getFormatter();
  // In UTC, labelled, as mail gives its dates (lib/mail/language.ts), in the reader's language.
  const when = (date: Date) => t("utc", { date: format.dateTime(date, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) });
  if ("problem" in found) return <Problem title={t("unusable")} message={found.problem} held={link.fingerprint} />;
  if (!found.valid) {
    return (
      <Problem
        title={t("expiredTitle")}
        message={madeByOperator(found) ? t("expiredBodyByOperator", { date: when(found.expiresAt) }) : t("expiredBody", { date: when(found.expiresAt), inviter: found.invitedBy })}
        held={link.fingerprint}
      />
    );
  }
  const groups = await inviteGroupNames(found);
  return (
    <AuthCard title={t("title")} subtitle={madeByOperator(found) ? t("subtitleByOperator") : t("subtitle", { inviter: found.invitedBy })}>
      <div className="space-y-4">
        <dl className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 text-sm">
          <dt className="text-slate-500">{t("name")}</dt>
          <dd className="text-slate-900">{found.name}</dd>
          <dt className="text-slate-500">{t("role")}</dt>
          <dd className="text-slate-900">{team(`roles.${found.role}.name`)}</dd>
          {groups.length > 0 && (
            <>
              <dt className="text-slate-500">{t("groups")}</dt>
              <dd className="text-slate-900">{groups.join(", ")}</dd>
            </>
          )}
          <dt className="text-slate-500">{t("expires")}</dt>
          <dd className="text-slate-900">{when(found.expiresAt)}</dd>
        </dl>
        <AcceptInviteForm email={found.email} username={found.username} />
      </div>
    </AuthCard>
  );
}
