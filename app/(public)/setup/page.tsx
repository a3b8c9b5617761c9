import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { isSetupRequired } from "@/lib/instance/account";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("setup");

export default async function SetupPage() {
  if (!(await isSetupRequired())) redirect("/login");
  const t = await getTranslations("setup");
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <SetupForm />
    </AuthCard>
  );
}
