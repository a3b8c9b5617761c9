import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmEmailForm } from "@/components/auth/confirm-email-form";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("confirmEmail");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ConfirmEmailPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  return (
    <AuthCard title="Confirm your new email" subtitle="Your email address changes when you confirm.">
      <ConfirmEmailForm token={token} />
    </AuthCard>
  );
}
