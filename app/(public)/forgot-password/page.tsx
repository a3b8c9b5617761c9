import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { Alert } from "@/components/ui/alert";
import { mailIsOn } from "@/lib/mail/settings";
import { instanceAccountId } from "@/lib/instance/account";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("forgotPassword");

export default async function ForgotPasswordPage() {
  const accountId = await instanceAccountId();
  const mail = accountId !== null && (await mailIsOn(accountId));
  const t = await getTranslations("forgotPassword");
  return (
    <AuthCard title={t("title")} subtitle={mail ? t("subtitle") : undefined}>
      <div className="space-y-4">
        {mail ? <ForgotPasswordForm /> : <Alert tone="info">{t("noMail")}</Alert>}
        <p className="text-center text-sm text-slate-600">
          <Link href="/login" className="py-1.5 font-medium text-indigo-600 hover:text-indigo-500">{t("backToSignIn")}</Link>
        </p>
      </div>
    </AuthCard>
  );
}
