import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ChangePasswordForm } from "@/components/shell/change-password-dialog";
import { sessionActor } from "@/lib/sign-in/session-actor";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("changePassword");

export default async function RequiredPasswordChangePage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!actor.mustChangePassword) redirect("/");
  return (
    <AuthCard
      title="Choose a new password"
      subtitle="You signed in with a password someone else set. Choose your own before you continue."
    >
      <ChangePasswordForm />
    </AuthCard>
  );
}
