import { ChangeEmailForm } from "@/components/users/change-email-form";
import type { Actor } from "@/lib/auth/actor";
import { mailIsOn } from "@/lib/mail/settings";
import { getUser } from "@/lib/users/queries";

/** email: the person's own email, changed with a confirmation link (only for local accounts, only with mail). */
export async function EmailSection({ actor }: { actor: Actor }) {
  const me = await getUser(actor, actor.userId);
  if (me.idpId !== null || me.isServiceUser) return null;
  const mail = await mailIsOn(actor.accountId);
  return (
    <section aria-labelledby="email-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="email-heading" className="text-base font-semibold text-slate-900">Email address</h2>
      <p className="mt-1 mb-4 max-w-2xl text-sm text-slate-600">
        {me.email
          ? `You sign in and get messages at ${me.email}.`
          : "This account has no email address, so no mail reaches you: no reset links when you forget your password, no notices of changes to your account."}{" "}
        {mail ? "A new address takes effect once you open the link we send to it; your current address gets a notice." : "This instance doesn't send mail: ask an administrator to change it."}
      </p>
      {mail && <ChangeEmailForm current={me.email} />}
    </section>
  );
}
