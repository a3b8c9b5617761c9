/**
 * One Auth.js provider per enabled OpenID Connect provider row, built at
 * request time: authorization code flow with PKCE, state and nonce, and a
 * timeout on every call to the provider so a dead one fails fast.
 */
import "server-only";
import { customFetch } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import type { OidcClaims } from "@/lib/idp/oidc";
import type { SignInProvider } from "@/lib/idp/sign-in-options";

/** Calls to a provider during sign-in give up after this, so a dead provider fails fast with a message. */
const PROVIDER_FETCH_TIMEOUT_MS = 10_000;

export function toAuthProvider(p: SignInProvider): OIDCConfig<OidcClaims> {
  return {
    id: p.id,
    name: p.name,
    type: "oidc",
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: p.scopes } },
    profile(claims) {
      // Auth.js wants a user; the real mapping happens in handleOidcSignIn with the full claims.
      return { id: typeof claims.sub === "string" ? claims.sub : undefined };
    },
    [customFetch]: (input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(PROVIDER_FETCH_TIMEOUT_MS) }),
  };
}

