import { getTranslations } from "next-intl/server";
import type { UserRecord } from "@/lib/users/records";
import { NameForm } from "./name-form";

/** Profile → Name: the one thing about yourself everyone may change here (email, username and 2FA have their own sections). */
export async function NameSection({ me }: { me: UserRecord }) {
  if (me.isServiceUser) return null;
  const t = await getTranslations("profilePage.name");
  return (
    <section aria-labelledby="name-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="name-heading" className="text-base font-semibold text-slate-900">
        {t("heading")}
      </h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">{t("description")}</p>
      <NameForm name={me.name} />
    </section>
  );
}
