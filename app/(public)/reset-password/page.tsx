import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { UnusableLinkNote } from "@/components/auth/unusable-link-note";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { linkToken } from "@/lib/http/link-token";
import { resetLinkUsable } from "@/lib/users/password-reset";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("resetPassword");

/** Opened from a reset link: proxy.ts moved its token into a cookie (lib/http/link-cookie.ts), read here. */
export default async function ResetPasswordPage() {
  const link = await linkToken("reset");
  const usable = await resetLinkUsable(link.token);
  const t = await getTranslations("publicPages.resetPassword");
  return (
    <AuthCard title={t("title")}>
      <div className="space-y-4">
        {usable ? <ResetPasswordForm /> : <Alert tone="error">{t("invalidLink")}</Alert>}
        {!usable && <UnusableLinkNote kind="reset" held={link.fingerprint} />}
        <p className="text-center text-sm text-slate-600">
          <Link href={usable ? "/login" : "/forgot-password"} className="py-1.5 font-medium text-indigo-600 hover:text-indigo-500">
            {usable ? t("backToSignIn") : t("askNew")}
          </Link>
        </p>
      </div>
    </AuthCard>
  );
}
