import { getTranslations } from "next-intl/server";
import { ChangeEmailForm } from "@/components/users/change-email-form";
import type { Actor } from "@/lib/auth/actor";
import { mailIsOn } from "@/lib/mail/settings";
import { getUser } from "@/lib/users/queries";

/** email: the person's own email, changed with a confirmation link (only for local accounts, only with mail). */
export async function EmailSection({ actor }: { actor: Actor }) {
  const me = await getUser(actor, actor.userId);
  if (me.idpId !== null || me.isServiceUser) return null;
  const mail = await mailIsOn(actor.accountId);
  const t = await getTranslations("profilePage.email");
  return (
    <section aria-labelledby="email-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="email-heading" className="text-base font-semibold text-slate-900">{t("heading")}</h2>
      <p className="mt-1 mb-4 max-w-2xl text-sm text-slate-600">
        {me.email
          ? t("current", { email: me.email })
          : t("none")}{" "}
        {mail ? t("mailOn") : t("mailOff")}
      </p>
      {mail && <ChangeEmailForm current={me.email} asksPassword={me.hasLocalPassword} />}
    </section>
  );
}
