import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { resetLinkUsable } from "@/lib/users/password-reset";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("resetPassword");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ResetPasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const usable = await resetLinkUsable(token);
  const t = await getTranslations("publicPages.resetPassword");
  return (
    <AuthCard title={t("title")}>
      <div className="space-y-4">
        {usable ? <ResetPasswordForm token={token} /> : <Alert tone="error">{t("invalidLink")}</Alert>}
        <p className="text-center text-sm text-slate-600">
          <Link href={usable ? "/login" : "/forgot-password"} className="font-medium text-indigo-600 hover:text-indigo-500">
            {usable ? t("backToSignIn") : t("askNew")}
          </Link>
        </p>
      </div>
    </AuthCard>
  );
}
