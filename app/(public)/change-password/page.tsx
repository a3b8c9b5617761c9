import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ChangePasswordForm } from "@/components/shell/change-password-dialog";
import { sessionActor } from "@/lib/auth/session-actor";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("changePassword");

export default async function RequiredPasswordChangePage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!actor.mustChangePassword) redirect("/");
  const t = await getTranslations("publicPages.changePassword");
  return (
    <AuthCard
      title={t("title")}
      subtitle={t("subtitle")}
    >
      <ChangePasswordForm />
    </AuthCard>
  );
}
