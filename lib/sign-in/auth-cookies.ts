/**
 * The names of Auth.js's cookies (the session, its CSRF token, the callback URL, and an external
 * provider's PKCE verifier, state and nonce) for a request: "__Host-"-prefixed when the cookies are
 * Secure, plain over plain http (lib/http/host-cookie.ts says why). ./nextauth.ts gives them to Auth.js;
 * every reader of the session cookie (./session-cookie.ts, ./browser-session.ts) asks sessionCookieName,
 * so a cookie of any other name (a "__Secure-" or plain one a sibling subdomain planted) signs nobody in.
 * The name is also the session token's key-derivation salt (Auth.js), so reading it under another name
 * would fail anyway.
 */
import type { NextAuthConfig } from "next-auth";
import { hostCookieName } from "@/lib/http/host-cookie";

export const SESSION_COOKIE = "authjs.session-token";

/** The session cookie's name, Secure or not. */
export function sessionCookieName(secure: boolean): string {
  return hostCookieName(SESSION_COOKIE, secure);
}

/** Either session cookie name, whole or one of Auth.js's chunks (".0", ".1", …), at the start of a cookie pair. */
const SESSION_COOKIE_PRESENT = new RegExp(
  `(?:^|;\\s*)(?:${[true, false].map((secure) => sessionCookieName(secure).replaceAll(".", "\\.")).join("|")})(?:\\.\\d+)?=`,
);

/**
 * Whether a Cookie header carries a session cookie under either name (Secure or not): present, not proven
 * valid. For skipping work where no session can be (the provider's routes); whether the cookie counts is for
 * the readers above, which take only this request's name.
 */
export function carriesSessionCookie(cookieHeader: string | undefined): boolean {
  return SESSION_COOKIE_PRESENT.test(cookieHeader ?? "");
}

/** Auth.js's `cookies` option: only the names; its defaults keep the options (HttpOnly, SameSite=Lax, Path=/, Secure as useSecureCookies, no Domain). */
export function authJsCookies(secure: boolean): NonNullable<NextAuthConfig["cookies"]> {
  const named = (name: string) => ({ name: hostCookieName(`authjs.${name}`, secure) });
  return {
    sessionToken: named("session-token"),
    callbackUrl: named("callback-url"),
    csrfToken: named("csrf-token"),
    pkceCodeVerifier: named("pkce.code_verifier"),
    state: named("state"),
    nonce: named("nonce"),
    webauthnChallenge: named("challenge"),
  };
}
