import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { Alert } from "@/components/ui/alert";
import { SIGN_IN_FAILED } from "@/lib/auth/password-sign-in";
import { sessionActor } from "@/lib/auth/session-actor";
import { isSetupRequired } from "@/lib/setup/instance";

export const metadata: Metadata = { title: "Sign in · Latchkey" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  if (isSetupRequired()) redirect("/setup");
  if (await sessionActor()) redirect("/");
  const params = await searchParams;
  const notice =
    first(params.setup) === "done"
      ? "Owner account created. Sign in to continue."
      : first(params.invited) === "1"
        ? "Your account is ready. Sign in with your new password."
        : null;
  // A sign-in posted straight to Auth.js (not through this form) comes back here with its outcome.
  const failure =
    first(params.error) === "CredentialsSignin"
      ? first(params.code) === "rate_limited"
        ? "Too many attempts. Try again in a few minutes."
        : SIGN_IN_FAILED
      : null;
  return (
    <AuthCard title="Sign in">
      <div className="space-y-4">
        {notice && <Alert tone="success">{notice}</Alert>}
        {failure && <Alert tone="error">{failure}</Alert>}
        <LoginForm email={first(params.email)} callbackUrl={first(params.callbackUrl)} />
      </div>
    </AuthCard>
  );
}
