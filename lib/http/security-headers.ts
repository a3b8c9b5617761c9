/**
 * The security headers every response carries, as ONE list: next.config.ts
 * hands it to Next.js (`headers()`), and the requests answered before Next.js
 * (lib/startup.ts's hook: the credentials sign-in, lib/sign-in/credentials-http.ts)
 * add the same headers from here. lib/http/security-headers.test.ts evaluates
 * next.config.ts's rules with Next.js's own matcher and compares.
 *
 * No imports and no "server-only": next.config.ts loads this file at build time.
 * The Content-Security-Policy of pages is per request, in proxy.ts.
 */

export type HeaderPair = { key: string; value: string };

/** Sent with every response, static files included. */
export const SECURITY_HEADERS: readonly HeaderPair[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  // Legacy twin of CSP frame-ancestors 'none', for older browsers.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** Sent with every response but those of a person's sign-in (SIGN_IN_PATHS). */
export const OPENER_POLICY: HeaderPair = { key: "Cross-Origin-Opener-Policy", value: "same-origin" };

/**
 * Where a person's sign-in goes, and so an app's sign-in in a popup (oidc-client-ts's signinPopup, MSAL's
 * loginPopup): the sign-in page and its second step (/login, /login/two-factor), the password change it may
 * demand, the proxy header's way in, and Auth.js's redirects (an external provider's callback). These send no
 * Cross-Origin-Opener-Policy: a popup that loads one response with COOP same-origin, a redirect included, is put
 * in a browsing context group of its own and loses window.opener for good, so the app would never hear back.
 * Not made to depend on the callbackUrl: anyone can write one that leads to an app's sign-in, so it would guard
 * nothing. What COOP would protect there, and why that is given up: docs/security.md ("Popups and the sign-in pages").
 */
export const SIGN_IN_PATHS = ["/login", "/change-password", "/auth/proxy", "/api/auth"] as const;

/** True for a SIGN_IN_PATHS path or one under it. */
export function isSignInPath(pathname: string): boolean {
  return SIGN_IN_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/** next.config.ts's source for every path but SIGN_IN_PATHS and those under them (path-to-regexp, as Next.js reads it). */
const ALL_BUT_SIGN_IN = `/:path((?!(?:${SIGN_IN_PATHS.map((p) => p.slice(1)).join("|")})(?:/|$)).*)`;

/** API responses are JSON, never documents: nothing may load or frame them. */
export const API_CONTENT_SECURITY_POLICY: HeaderPair = {
  key: "Content-Security-Policy",
  value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/**
 * API answers carry people's data (names, emails, the activity log) or secrets: no cache may keep them. Without it
 * a browser kept GET /api/users on disk and showed it again on Back after its person had signed out (review 15).
 * Every /api answer but the logo's and the API reference's (public, each sets its own); a handler's own value
 * gives way to this one, as its Content-Security-Policy does.
 */
export const API_NO_STORE: HeaderPair = { key: "Cache-Control", value: "no-store" };

/** HSTS only when the request came over HTTPS (a TLS-terminating proxy says so); browsers ignore it on plain HTTP anyway. */
export const STRICT_TRANSPORT_SECURITY: HeaderPair = { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" };

type HeaderRule = {
  source: string;
  has?: { type: "header"; key: string; value: string }[];
  headers: HeaderPair[];
};

/** next.config.ts's `headers()`: every rule, in Next.js's format. */
export function securityHeaderRules(): HeaderRule[] {
  return [
    { source: "/:path*", headers: [...SECURITY_HEADERS] },
    { source: ALL_BUT_SIGN_IN, headers: [OPENER_POLICY] },
    // The API reference page (/api/docs) sets its own policy, which lets it load its own scripts.
    { source: "/api/:path((?!docs(?:/|$)).*)", headers: [API_CONTENT_SECURITY_POLICY] },
    { source: "/api/:path((?!docs(?:/|$)|instance/logo$).*)", headers: [API_NO_STORE] },
    // The instance logo is shown in mail, which webmail renders on its own origin.
    { source: "/api/instance/logo", headers: [{ key: "Cross-Origin-Resource-Policy", value: "cross-origin" }] },
    {
      source: "/:path*",
      has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
      headers: [STRICT_TRANSPORT_SECURITY],
    },
  ];
}

/**
 * What next.config.ts's rules add to the /api/* response at `pathname` (other than /api/docs and
 * /api/instance/logo), for a request answered before Next.js. `forwardedProto` is
 * the request's X-Forwarded-Proto as Next.js would see it: after scripts/server.mjs
 * has dropped forwarding headers from untrusted peers.
 */
export function apiSecurityHeaders(pathname: string, forwardedProto: string | string[] | undefined): HeaderPair[] {
  const https = forwardedProto === "https";
  return [
    ...SECURITY_HEADERS,
    ...(isSignInPath(pathname) ? [] : [OPENER_POLICY]),
    API_CONTENT_SECURITY_POLICY,
    API_NO_STORE,
    ...(https ? [STRICT_TRANSPORT_SECURITY] : []),
  ];
}

/**
 * What the OpenID provider's answers carry (lib/sign-in/app-sign-in-http.ts: /oidc/*, /device and discovery,
 * answered before Next.js): the page headers above that suit a provider, HSTS as next.config.ts gives it, and
 * no referrer (its addresses carry codes and interaction ids). Left out on purpose: Cross-Origin-Opener-Policy
 * (an app may open the sign-in in a popup and be told the result through window.opener, as oidc-client-ts's
 * signinPopup does; same-origin would cut it off, as on SIGN_IN_PATHS) and Cross-Origin-Resource-Policy (apps load the JWKS and
 * call the token and userinfo endpoints from their own origins). Framing is refused where the answer is made
 * (Content-Security-Policy frame-ancestors per page).
 */
export function providerSecurityHeaders(forwardedProto: string | string[] | undefined): HeaderPair[] {
  const keep = new Set(["X-Content-Type-Options", "X-Frame-Options", "Permissions-Policy"]);
  const https = forwardedProto === "https";
  return [
    ...SECURITY_HEADERS.filter(({ key }) => keep.has(key)),
    { key: "Referrer-Policy", value: "no-referrer" },
    ...(https ? [STRICT_TRANSPORT_SECURITY] : []),
  ];
}
