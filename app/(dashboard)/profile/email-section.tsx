import { getTranslations } from "next-intl/server";
import { ChangeEmailForm } from "@/components/users/change-email-form";
import { ConfirmEmailForm } from "@/components/users/confirm-email-form";
import type { Actor } from "@/lib/auth/actor";
import { mailIsOn } from "@/lib/mail/settings";
import { getUser } from "@/lib/users/queries";
import { Card, CardHeading } from "@/components/ui/card";

/** email: the person's own email, changed (or, when nobody proved it, confirmed) with a link mailed to it (only for local accounts, only with mail). */
export async function EmailSection({ actor }: { actor: Actor }) {
  const me = await getUser(actor, actor.userId);
  if (me.idpId !== null || me.isServiceUser) return null;
  const mail = await mailIsOn(actor.accountId);
  const t = await getTranslations("profilePage.email");
  // An address nobody proved (an invite whose link was handed out): apps are told so until a mailed link confirms it.
  const unconfirmed = me.email !== null && !me.emailVerified;
  return (
    <Card labelledBy="email-heading">
      <CardHeading id="email-heading">{t("heading")}</CardHeading>
      <p className="mt-1 mb-4 max-w-2xl text-sm text-slate-600">
        {me.email
          ? t("current", { email: me.email })
          : t("none")}{" "}
        {mail ? t("mailOn") : t("mailOff")}
      </p>
      {unconfirmed && (
        <div className="mb-4 max-w-2xl">
          <p className="mb-2 text-sm text-slate-600">
            <span className="inline-block whitespace-nowrap mr-2 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">{t("notConfirmed")}</span>
            {mail ? t("unconfirmedHint") : t("unconfirmedMailOff")}
          </p>
          {mail && <ConfirmEmailForm />}
        </div>
      )}
      {mail && <ChangeEmailForm current={me.email} asksPassword={me.hasLocalPassword} />}
    </Card>
  );
}
