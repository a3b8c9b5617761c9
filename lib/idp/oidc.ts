/**
 * The step after an OpenID Connect provider vouched for someone (through
 * Auth.js, see lib/sign-in/oidc-providers.ts): who they are in Latchkey, by the
 * provider's rules (./external-sign-in.ts).
 */
import "server-only";
import type { RequestMeta } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import type { IdpType } from "@/lib/db/schema";
import { instanceAccountId } from "@/lib/instance/account";
import { signInExternal, type ExternalSignedIn } from "./external-sign-in";
import { findProviderRow } from "./records";

/**
 * Whether the provider vouches for the email. Only an explicit
 * email_verified: true counts; Microsoft Entra ID says so with xms_edov
 * (email domain owner verified), an optional claim the tenant must add.
 */
export function emailIsVerified(type: IdpType, claims: OidcClaims): boolean {
  if (claims.email_verified === true || claims.email_verified === "true") return true;
  return type === "microsoft" && (claims.xms_edov === true || claims.xms_edov === "1" || claims.xms_edov === 1);
}

function displayName(claims: OidcClaims): string | null {
  if (typeof claims.name === "string" && claims.name.trim()) return claims.name;
  const parts = [claims.given_name, claims.family_name].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  if (parts.length > 0) return parts.join(" ");
  return typeof claims.preferred_username === "string" ? claims.preferred_username : null;
}

export type OidcClaims = Record<string, unknown> & { sub?: unknown };

export class ProviderUnavailable extends Error {}

/**
 * After the provider's callback: find, link or create the Latchkey user and open a session. `onlyPerson`: the user
 * id of the only person this sign-in may be (ExternalPolicy.onlyPerson), when an app asked them to confirm it's them.
 */
export async function handleOidcSignIn(providerId: string, claims: OidcClaims, meta: RequestMeta, onlyPerson?: string): Promise<ExternalSignedIn> {
  const accountId = await instanceAccountId();
  const row = accountId ? await findProviderRow(db(), accountId, providerId) : undefined;
  // Disabled or deleted between the click and the callback: nobody comes in through it.
  if (!accountId || !row || !row.enabled) throw new ProviderUnavailable("This identity provider is no longer enabled");
  if (typeof claims.sub !== "string" || claims.sub === "") throw new ProviderUnavailable("The provider sent no subject");
  return signInExternal(
    accountId,
    {
      idpId: row.id,
      subject: claims.sub,
      email: typeof claims.email === "string" ? claims.email : null,
      emailVerified: emailIsVerified(row.type, claims),
      name: displayName(claims),
      username: typeof claims.preferred_username === "string" ? claims.preferred_username : null,
    },
    {
      method: "oidc",
      sourceName: row.name,
      signup: row.signupPolicy,
      allowedDomains: row.allowedDomains,
      allowLinking: row.allowLinking,
      requireApproval: row.requireApproval,
      matchByEmail: false,
      defaultRole: row.defaultRole === "owner" ? "user" : row.defaultRole,
      defaultGroups: row.defaultGroups,
      onlyPerson,
    },
    meta,
  );
}
