import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ChangePasswordForm } from "@/components/shell/change-password-dialog";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { titled } from "@/i18n/titles";
import { getTranslations } from "next-intl/server";
import { localPath } from "@/lib/http/local-path";

export const generateMetadata = titled("changePassword");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** callbackUrl: where the sign-in was headed (an app's sign-in, /oidc/interaction/…); the person lands there after the change. */
export default async function RequiredPasswordChangePage({ searchParams }: { searchParams: SearchParams }) {
  const callbackUrl = localPath(first((await searchParams).callbackUrl));
  const actor = await sessionActor();
  if (!actor) redirect(`/login?${new URLSearchParams({ callbackUrl })}`);
  if (!actor.mustChangePassword) redirect(callbackUrl);
  const t = await getTranslations("publicPages.changePassword");
  return (
    <AuthCard
      title={t("title")}
      subtitle={t("subtitle")}
    >
      <ChangePasswordForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
