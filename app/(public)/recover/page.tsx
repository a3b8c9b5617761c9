import { AuthCard } from "@/components/auth/auth-card";
import { RecoverOwnerForm } from "@/components/auth/recover-owner-form";
import { Alert } from "@/components/ui/alert";
import { recoveryLinkState } from "@/lib/users/owner-recovery";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("recover");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Where `npm run recover-owner` sends a locked-out owner: a new password, once, within 15 minutes. */
export default async function RecoverOwnerPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const state = await recoveryLinkState(token);
  const t = await getTranslations("publicPages.recover");
  if (state !== "valid") {
    return (
      <AuthCard title={t("cantUse")}>
        <Alert tone="error">{t(state)}</Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <RecoverOwnerForm token={token} />
    </AuthCard>
  );
}
