import { headers } from "next/headers";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInviteForm } from "@/components/invites/accept-invite-form";
import { Alert } from "@/components/ui/alert";
import { formatDateTime } from "@/components/users/format";
import { ROLE_LABELS } from "@/components/users/role-label";
import { RateLimited } from "@/lib/errors";
import { requestMeta } from "@/lib/http/request-meta";
import { InviteUnusable, inviteGroupNames, lookupInvite, type InviteView } from "@/lib/invites/acceptance";
import { titled } from "@/i18n/titles";

export const generateMetadata = titled("invite");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

async function findInvite(token: string): Promise<InviteView | { problem: string }> {
  try {
    return await lookupInvite(token, requestMeta(await headers()));
  } catch (err) {
    if (err instanceof InviteUnusable || err instanceof RateLimited) return { problem: err.message };
    throw err;
  }
}

function Problem({ title, message }: { title: string; message: string }) {
  return (
    <AuthCard title={title}>
      <div className="space-y-4">
        <Alert tone="error">{message}</Alert>
        <p className="text-sm text-slate-600">
          Already have an account?{" "}
          <Link href="/login" className="font-medium text-indigo-600 hover:text-indigo-500">
            Sign in
          </Link>
        </p>
      </div>
    </AuthCard>
  );
}

export default async function InvitePage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const found = await findInvite(token);
  if ("problem" in found) return <Problem title="This invite can't be used" message={found.problem} />;
  if (!found.valid) {
    return (
      <Problem
        title="This invite has expired"
        message={`This invite link expired on ${formatDateTime(found.expiresAt)}. Ask ${found.invitedBy} or another admin to send you a new one.`}
      />
    );
  }
  const groups = await inviteGroupNames(found);
  return (
    <AuthCard title="Join the team" subtitle={`${found.invitedBy} invited you to Latchkey.`}>
      <div className="space-y-4">
        <dl className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 text-sm">
          <dt className="text-slate-500">Name</dt>
          <dd className="text-slate-900">{found.name}</dd>
          <dt className="text-slate-500">Role</dt>
          <dd className="text-slate-900">{ROLE_LABELS[found.role]}</dd>
          {groups.length > 0 && (
            <>
              <dt className="text-slate-500">Groups</dt>
              <dd className="text-slate-900">{groups.join(", ")}</dd>
            </>
          )}
          <dt className="text-slate-500">Link expires</dt>
          <dd className="text-slate-900">{formatDateTime(found.expiresAt)}</dd>
        </dl>
        <AcceptInviteForm token={token} email={found.email} username={found.username} />
      </div>
    </AuthCard>
  );
}
