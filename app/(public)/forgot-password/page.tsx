import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { Alert } from "@/components/ui/alert";
import { mailIsOn } from "@/lib/mail/settings";
import { instanceAccountId } from "@/lib/setup/instance";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("forgotPassword");

export default async function ForgotPasswordPage() {
  const accountId = await instanceAccountId();
  const mail = accountId !== null && (await mailIsOn(accountId));
  return (
    <AuthCard title="Forgot your password?" subtitle={mail ? "Enter your email and we'll send you a link to set a new one." : undefined}>
      <div className="space-y-4">
        {mail ? <ForgotPasswordForm /> : <Alert tone="info">This instance doesn&apos;t send mail. Ask an administrator to reset your password.</Alert>}
        <p className="text-center text-sm text-slate-600">
          <Link href="/login" className="font-medium text-indigo-600 hover:text-indigo-500">Back to sign in</Link>
        </p>
      </div>
    </AuthCard>
  );
}
