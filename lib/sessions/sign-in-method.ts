/**
 * How a session was made, as sessions.sign_in_method keeps it: the one place
 * that spells the values. A way in that is switched off (an identity
 * provider disabled or deleted, the LDAP directory or the proxy header turned
 * off) ends the sessions made through it (./reactions.ts), so the value names
 * the source by the same id users.idp_id uses.
 */
export type ExternalSignInKind = "oidc" | "ldap" | "header";

export type SignInMethod = "password" | "passkey" | "header" | `oidc:${string}` | `ldap:${string}`;

/** The method of a sign-in through an external source (`sourceId`: the provider's or directory's id, as users.idp_id). */
export function externalSignInMethod(kind: ExternalSignInKind, sourceId: string): SignInMethod {
  // The proxy header is one source per account; its id adds nothing.
  return kind === "header" ? "header" : `${kind}:${sourceId}`;
}

/**
 * What proved the person besides the first step, as sessions.second_factor keeps it: an authenticator app's code,
 * a recovery code, or a passkey (by its credential id). A passwordless passkey sign-in keeps its passkey here too:
 * with user verification it is both factors at once, and removing it ends the session either way
 * (lib/mfa/passkeys.ts). Null: one factor, or a session from before the column (unknown).
 */
export type SecondFactor = "totp" | "recovery" | `passkey:${string}`;

export const PASSKEY_FACTOR_PREFIX = "passkey:";

export function passkeyFactor(credentialId: string): `passkey:${string}` {
  return `passkey:${credentialId}`;
}
