/**
 * Where each user signs in, for badges: an idp_id resolved to the
 * provider's display name and kind ("Local" for users with none).
 */
import "server-only";
import { db } from "@/lib/db/database";
import { HEADER_IDP_ID, sourceNames } from "./records";

export type SourceKind = "local" | "google" | "microsoft" | "okta" | "oidc" | "ldap" | "header" | "unknown";
export type IdentitySource = { name: string; kind: SourceKind };

export const LOCAL_SOURCE: IdentitySource = { name: "Local", kind: "local" };

/** idp_id → display name and kind, for one account (only those columns: no secret leaves the database for a badge). */
export async function identitySources(accountId: string): Promise<Map<string, IdentitySource>> {
  const map = new Map<string, IdentitySource>();
  const { providers, ldap } = await sourceNames(db(), accountId);
  for (const p of providers) map.set(p.id, { name: p.name, kind: p.type });
  if (ldap) map.set(ldap.id, { name: ldap.name, kind: "ldap" });
  map.set(HEADER_IDP_ID, { name: "Proxy header", kind: "header" });
  return map;
}

export function sourceOf(idpId: string | null, sources: Map<string, IdentitySource>): IdentitySource {
  if (!idpId) return LOCAL_SOURCE;
  return sources.get(idpId) ?? { name: "Removed provider", kind: "unknown" };
}

/**
 * Whether the person types their username (or email) anywhere to sign in: on the sign-in form with a password of
 * their own here, or with the directory's (the form finds a bound person's entry from either). People who come
 * through an OpenID provider or the proxy header with no password here never type it.
 */
export function typesUsernameToSignIn(source: IdentitySource, hasLocalPassword: boolean): boolean {
  return hasLocalPassword || source.kind === "local" || source.kind === "ldap";
}
