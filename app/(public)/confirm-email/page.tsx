import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmEmailForm } from "@/components/auth/confirm-email-form";
import { UnusableLinkNote } from "@/components/auth/unusable-link-note";
import { Alert } from "@/components/ui/alert";
import { linkToken } from "@/lib/http/link-token";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";

export const generateMetadata = titled("confirmEmail");

/**
 * Opened from an email change's link: proxy.ts moved its token into a cookie (lib/http/link-cookie.ts). The button
 * confirms (mail scanners open links); without a token there is nothing to confirm, and the page says so at once.
 */
export default async function ConfirmEmailPage() {
  const link = await linkToken("confirmEmail");
  const t = await getTranslations("publicPages.confirmEmail");
  if (!link.token) {
    // The server's own text for a link it refuses (lib/users/email-change.ts INVALID_EMAIL_LINK), in the reader's language.
    const server = await getTranslations("serverMessages");
    return (
      <AuthCard title={t("title")}>
        <Alert tone="error">{server("emailLinkInvalid")}</Alert>
        <UnusableLinkNote kind="confirmEmail" held={link.fingerprint} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <ConfirmEmailForm />
    </AuthCard>
  );
}
