/**
 * Open sign-up with a privileged default role is an explicit choice. A source
 * that creates accounts by itself (an identity provider with open or domain
 * sign-up and no approval; LDAP or the proxy header with auto-create) and
 * gives new people more than a user's powers (lib/auth/privileged.ts, the one
 * meaning of "privileged") makes such an account of anyone it lets in. The
 * powers may come from its default role or from groups: a provider's default
 * groups, or the groups LDAP's directory groups map to. A save
 * that makes a source so is refused unless the request says
 * `accept_privileged_signup: true`; the form shows the refusal as a warning
 * at a confirming box. A source already so is not asked again.
 */
import "server-only";
import { grantIsPrivileged } from "@/lib/auth/privileged";
import type { Tx } from "@/lib/db/database";
import type { Role } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";

export const ACCEPT_PRIVILEGED_SIGNUP = "accept_privileged_signup";

/** What decides it: whether new accounts are made without anyone's approval, and what they get. */
export type SignupGrant = { createsAccounts: boolean; role: Role; groupIds: readonly string[] };

async function makesPrivilegedAccounts(q: Tx, accountId: string, s: SignupGrant): Promise<boolean> {
  return s.createsAccounts && (await grantIsPrivileged(q, accountId, { role: s.role, groupIds: s.groupIds }));
}

/** Throws Invalid (at the confirming field) when the save makes the source create privileged accounts, and it wasn't confirmed. */
export async function assertPrivilegedSignupAccepted(q: Tx, accountId: string, before: SignupGrant | null, after: SignupGrant, accepted: boolean): Promise<void> {
  if (accepted || !(await makesPrivilegedAccounts(q, accountId, after))) return;
  if (before && (await makesPrivilegedAccounts(q, accountId, before))) return;
  if (await grantIsPrivileged(q, accountId, { role: after.role, groupIds: [] })) {
    const message = `New accounts get the role "${after.role}" (with their default groups), which holds more than a user's powers: anyone this source lets in gets them, without anyone's approval. Confirm it, choose the user or auditor role, or stop the source creating accounts by itself (approval, or existing people only).`;
    throw new Invalid(message, { [ACCEPT_PRIVILEGED_SIGNUP]: [message] }).keyed("privilegedSignup", { role: after.role });
  }
  const message = "New accounts can get groups (default groups, or groups a directory group maps to) that hold more than a user's powers: anyone this source lets in can get them, without anyone's approval. Confirm it, give new people groups without such powers, or stop the source creating accounts by itself (approval, or existing people only).";
  throw new Invalid(message, { [ACCEPT_PRIVILEGED_SIGNUP]: [message] }).keyed("privilegedSignupGroups");
}
