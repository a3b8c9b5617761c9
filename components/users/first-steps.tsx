import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";

/**
 * Team → Users while the person looking is the only one on it (a new instance's owner, right after set-up): what
 * to do next, in order, each step only when they may do it. Email first when it isn't set up (invites, reset
 * links and notices go by mail; without it an invite is a link to hand over), then adding people (review 20: the
 * page said nothing).
 */
export async function FirstSteps({ setUpMail }: { setUpMail: boolean }) {
  const t = await getTranslations("usersPage.firstSteps");
  const link = "font-semibold text-indigo-700 underline";
  return (
    <Card labelledBy="first-steps-heading" compact className="mb-4">
      <h2 id="first-steps-heading" className="text-sm font-semibold text-slate-900">
        {t("heading")}
      </h2>
      <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-700">
        {setUpMail && (
          <li>
            {t.rich("email", { link: (chunks) => <Link href="/settings/email" className={link}>{chunks}</Link> })}
          </li>
        )}
        <li>{t("addPeople")}</li>
      </ol>
    </Card>
  );
}
