"use client";

import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";

/** The tabs that configure how people sign in (the owner's alone); other tabs (Roles, Applications) have their own permissions. */
const SIGN_IN_TABS = ["/settings/identity-providers", "/settings/ldap", "/settings/proxy-header", "/settings/security", "/settings/email"];

/** "Read-only" on the sign-in tabs for those who may see but not change them. */
export function SignInReadOnlyNote() {
  const pathname = usePathname();
  const t = useTranslations("settings");
  if (!SIGN_IN_TABS.some((t) => pathname === t || pathname.startsWith(`${t}/`))) return null;
  return (
    <div className="mb-6">
      <Alert tone="info">{t("readOnly")}</Alert>
    </div>
  );
}
