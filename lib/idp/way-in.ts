/**
 * The lock-out rule: no sign-in configuration change may leave the owner
 * without a working way in. Every change that could (turning the local form
 * off, disabling or deleting a provider, turning LDAP or the proxy header
 * off) asks this on fresh data inside its write transaction, describing the
 * state it is about to create.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/database";
import { users, type UserRow } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { findProviderRow, HEADER_IDP_ID, ldapSourceRow, loadSignInSettings, providerRows, type SignInSettings } from "./records";

export type SignInState = {
  localLoginEnabled: boolean;
  headerEnabled: boolean;
  /** Ids of enabled OIDC providers. */
  enabledProviderIds: Set<string>;
  /** The LDAP source's id when it is enabled. */
  enabledLdapSourceId: string | null;
};

/** The proxy header is a way in only when it is on and trusts some address. */
export function headerIsOn(settings: Pick<SignInSettings, "headerEnabled" | "headerTrustedRanges">): boolean {
  return settings.headerEnabled && settings.headerTrustedRanges.length > 0;
}

export async function currentSignInState(tx: Db | Tx, accountId: string): Promise<SignInState> {
  const settings = await loadSignInSettings(tx, accountId);
  const ldap = await ldapSourceRow(tx, accountId);
  const providers = await providerRows(tx, accountId);
  return {
    localLoginEnabled: settings.localLoginEnabled,
    headerEnabled: headerIsOn(settings),
    enabledProviderIds: new Set(providers.filter((p) => p.enabled).map((p) => p.id)),
    enabledLdapSourceId: ldap?.enabled ? ldap.id : null,
  };
}

export type OwnerSignInFacts = { passwordHash: string | null; idpId: string | null; idpSubject: string | null };

/** The ways the owner could sign in under this state: "local", "oidc", "ldap", "header". */
export function ownerWaysIn(owner: OwnerSignInFacts, state: SignInState): string[] {
  const ways: string[] = [];
  if (state.localLoginEnabled && owner.passwordHash && !owner.idpId) ways.push("local");
  if (owner.idpId && owner.idpSubject && state.enabledProviderIds.has(owner.idpId)) ways.push("oidc");
  if (owner.idpId && owner.idpSubject && state.enabledLdapSourceId === owner.idpId) ways.push("ldap");
  // The proxy reaches the owner only by the proxy user name they came in with, never by email (./external-sign-in.ts).
  if (state.headerEnabled && owner.idpId === HEADER_IDP_ID && owner.idpSubject) ways.push("header");
  return ways;
}

/**
 * Throws PreconditionFailed when, after applying `change` to the current
 * state, the owner would have no way to sign in.
 */
export async function assertOwnerKeepsWayIn(tx: Tx, accountId: string, change: (state: SignInState) => SignInState): Promise<void> {
  const [owner] = await tx
    // Whether the owner has a subject is all that matters here: its index says so without decrypting.
    .select({ passwordHash: users.passwordHash, idpId: users.idpId, idpSubject: users.idpSubjectIndex })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.role, "owner")))
    .limit(1);
  if (!owner) return;
  const before = await currentSignInState(tx, accountId);
  const after = change({ ...before, enabledProviderIds: new Set(before.enabledProviderIds) });
  if (ownerWaysIn(owner, after).length === 0) {
    throw new PreconditionFailed(
      "This would leave the owner with no way to sign in. Keep local sign-in on, or have the owner sign in once through an enabled identity provider first.",
    );
  }
}

/**
 * The owner's row when the identity provider or directory `sourceId` is, as things are now, the owner's
 * only way in; null otherwise. A change to its connection is then tested before it is saved
 * (./owner-connection.ts): a wrong issuer, secret or filter would lock the owner out as surely as
 * switching it off.
 */
export async function ownerOnlyThrough(q: Db | Tx, accountId: string, sourceId: string): Promise<UserRow | null> {
  const [owner] = await q
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.role, "owner")))
    .limit(1);
  if (!owner || owner.idpId !== sourceId) return null;
  const ways = ownerWaysIn({ passwordHash: owner.passwordHash, idpId: owner.idpId, idpSubject: owner.idpSubjectIndex }, await currentSignInState(q, accountId));
  return ways.length === 1 && (ways[0] === "oidc" || ways[0] === "ldap") ? owner : null;
}

/**
 * Whether the way in a sign-in came through (an identity provider, the LDAP source, the proxy header: `idpId` as the
 * sign-in's identity names it) is still open, asked under the sign-in's write lock. The source was checked before
 * (the provider's token exchange, the directory's bind, the header's settings), outside the lock: a switch-off that
 * commits in between ends the sessions and pending steps made through it (./source-closed.ts), so the sign-in must
 * not make a new one after it.
 */
export async function wayInStillOpen(tx: Tx, accountId: string, method: "oidc" | "ldap" | "header", idpId: string): Promise<boolean> {
  switch (method) {
    case "oidc":
      return (await findProviderRow(tx, accountId, idpId))?.enabled === true;
    case "ldap": {
      const source = await ldapSourceRow(tx, accountId);
      return source?.enabled === true && source.id === idpId;
    }
    case "header": {
      const settings = await loadSignInSettings(tx, accountId);
      return idpId === HEADER_IDP_ID && headerIsOn(settings);
    }
  }
}
