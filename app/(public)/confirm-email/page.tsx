import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmEmailForm } from "@/components/auth/confirm-email-form";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("confirmEmail");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ConfirmEmailPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const t = await getTranslations("publicPages.confirmEmail");
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <ConfirmEmailForm token={token} />
    </AuthCard>
  );
}
