import { getTranslations } from "next-intl/server";
import type { UserRecord } from "@/lib/users/records";
import { NameForm } from "./name-form";
import { Card, CardHeading } from "@/components/ui/card";

/** Profile → Name: the one thing about yourself everyone may change here (email, username and 2FA have their own sections). */
export async function NameSection({ me }: { me: UserRecord }) {
  if (me.isServiceUser) return null;
  const t = await getTranslations("profilePage.name");
  return (
    <Card labelledBy="name-heading">
      <CardHeading id="name-heading">
        {t("heading")}
      </CardHeading>
      <p className="mt-1 mb-4 text-sm text-slate-600">{t("description")}</p>
      <NameForm name={me.name} />
    </Card>
  );
}
