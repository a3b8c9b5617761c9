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
