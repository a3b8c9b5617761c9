/**
 * One Auth.js provider per enabled OpenID Connect provider row, built at
 * request time: authorization code flow with PKCE, state and nonce, and a
 * timeout on every call to the provider so a dead one fails fast.
 * Auth.js asks for the discovery document on every sign-in start and
 * callback; it is answered from the per-process cache (lib/idp/discovery.ts),
 * so anonymous requests cannot make Latchkey call the provider at will, and
 * every other call (token, userinfo) goes through the outbound address guard.
 */
import "server-only";
import { customFetch } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import { SIGN_IN_CLIENT_AUTH } from "@/lib/idp/client-check";
import { discoveryUrl, providerDiscovery } from "@/lib/idp/discovery";
import type { OidcClaims } from "@/lib/idp/oidc";
import { guardedFetch } from "@/lib/security/outbound-guard";
import type { SignInProvider } from "@/lib/idp/sign-in-options";

/** Calls to a provider during sign-in give up after this, so a dead provider fails fast with a message. */
const PROVIDER_FETCH_TIMEOUT_MS = 10_000;

/** Auth.js's fetch for one provider: discovery from the cache, everything else guarded and timed. */
export function providerFetch(p: SignInProvider): typeof fetch {
  const guarded = guardedFetch({ allowInternal: p.allowInternalAddresses });
  const discovery = discoveryUrl(p.issuer);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url === discovery && (init?.method ?? "GET") === "GET") {
      const result = await providerDiscovery(p);
      if (!result.ok) throw new TypeError(result.message);
      return Response.json(result.document);
    }
    return guarded(input, { ...init, signal: AbortSignal.timeout(PROVIDER_FETCH_TIMEOUT_MS) });
  }) as typeof fetch;
}

export function toAuthProvider(p: SignInProvider): OIDCConfig<OidcClaims> {
  return {
    id: p.id,
    name: p.name,
    type: "oidc",
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    // Named, not left to Auth.js's default: "Test connection" authenticates the same way (lib/idp/client-check.ts).
    client: { token_endpoint_auth_method: SIGN_IN_CLIENT_AUTH },
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: p.scopes } },
    profile(claims) {
      // Auth.js wants a user; the real mapping happens in handleOidcSignIn with the full claims.
      return { id: typeof claims.sub === "string" ? claims.sub : undefined };
    },
    [customFetch]: providerFetch(p),
  };
}

