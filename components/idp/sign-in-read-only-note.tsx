"use client";

import { usePathname } from "next/navigation";
import { Alert } from "@/components/ui/alert";

/** The tabs that configure how people sign in (the owner's alone); other tabs (Roles, Applications) have their own permissions. */
const SIGN_IN_TABS = ["/settings/identity-providers", "/settings/ldap", "/settings/proxy-header", "/settings/security", "/settings/email"];

/** "Read-only" on the sign-in tabs for those who may see but not change them. */
export function SignInReadOnlyNote() {
  const pathname = usePathname();
  if (!SIGN_IN_TABS.some((t) => pathname === t || pathname.startsWith(`${t}/`))) return null;
  return (
    <div className="mb-6">
      <Alert tone="info">Read-only: only the owner can change how people sign in.</Alert>
    </div>
  );
}
