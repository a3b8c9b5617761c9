import { AuthCard } from "@/components/auth/auth-card";
import { UnusableLinkNote } from "@/components/auth/unusable-link-note";
import { RecoverOwnerForm } from "@/components/auth/recover-owner-form";
import { Alert } from "@/components/ui/alert";
import { linkToken } from "@/lib/http/link-token";
import { recoveryLinkState } from "@/lib/users/owner-recovery";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("recover");

/**
 * Where `npm run recover-owner` sends a locked-out owner: a new password, once, within 15 minutes. proxy.ts moved
 * the link's token into a cookie (lib/http/link-cookie.ts), read here.
 */
export default async function RecoverOwnerPage() {
  const link = await linkToken("recover");
  const state = await recoveryLinkState(link.token);
  const t = await getTranslations("publicPages.recover");
  if (state !== "valid") {
    return (
      <AuthCard title={t("cantUse")}>
        <Alert tone="error">{t(state)}</Alert>
        <UnusableLinkNote kind="recover" held={link.fingerprint} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <RecoverOwnerForm />
    </AuthCard>
  );
}
