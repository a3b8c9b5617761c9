import { AuthCard } from "@/components/auth/auth-card";
import { RecoverOwnerForm } from "@/components/auth/recover-owner-form";
import { Alert } from "@/components/ui/alert";
import { recoveryLinkState } from "@/lib/users/owner-recovery";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("recover");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const PROBLEMS = {
  unknown: "This recovery link is not valid. Check that you copied all of it, or run npm run recover-owner again.",
  used: "This recovery link was already used. Run npm run recover-owner again for a new one.",
  expired: "This recovery link has expired (links are valid for 15 minutes). Run npm run recover-owner again for a new one.",
} as const;

/** Where `npm run recover-owner` sends a locked-out owner: a new password, once, within 15 minutes. */
export default async function RecoverOwnerPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const state = await recoveryLinkState(token);
  if (state !== "valid") {
    return (
      <AuthCard title="This recovery link can't be used">
        <Alert tone="error">{PROBLEMS[state]}</Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Recover the owner account" subtitle="Choose a new password. Every session of the account will be signed out.">
      <RecoverOwnerForm token={token} />
    </AuthCard>
  );
}
