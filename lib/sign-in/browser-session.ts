/**
 * The Latchkey session of a browser request that reaches Latchkey outside
 * Next.js (the OpenID provider's interaction, served by scripts/server.mjs):
 * Auth.js's token format (./session-token.ts) reads the session cookie, and the session row is
 * checked exactly as for the dashboard (lib/sessions/sessions.ts: expired,
 * revoked, blocked → none). A session exists only once every sign-in step,
 * two-factor included (lib/mfa/second-step.ts), is done.
 */
import "server-only";
import { getToken } from "next-auth/jwt";
import type { SessionActor } from "@/lib/auth/actor";
import { sessionSecret } from "@/lib/crypto/keys";
import { resolveSession } from "@/lib/sessions/sessions";
import { requestMeta, secureCookieFor } from "@/lib/http/request-meta";
import { signOutSession } from "@/lib/sessions/sign-out";
import { proxyStillNames } from "@/lib/idp/trusted-header";
import { sessionCookieName } from "./auth-cookies";
import { decodeSessionToken } from "./session-token";

/**
 * From the request's headers: its Cookie header; whether it came over https, which names the session cookie as
 * the dashboard reads it (lib/http/request-meta.ts secureCookieFor, ./auth-cookies.ts; `secure` when the caller
 * decided that before the headers were changed); and its proxy header (a session the proxy header signed in is
 * no session when the request's proxy header names someone else: lib/idp/trusted-header.ts proxyStillNames).
 */
export async function browserSession(headers: Headers, secure = secureCookieFor(headers)): Promise<SessionActor | null> {
  const token = await sessionToken(headers, secure);
  if (token?.proxy && !proxyStillNames(token.proxy, (name) => headers.get(name))) return null;
  return typeof token?.sid === "string" ? resolveSession(token.sid) : null;
}

/** The session cookie's contents, or null (no cookie, not ours, undecryptable, expired). */
async function sessionToken(headers: Headers, secure: boolean) {
  const cookieHeader = headers.get("cookie");
  if (!cookieHeader) return null;
  // Under https only the "__Host-" cookie is ours (./nextauth.ts): a "__Secure-" or plain one is one a sibling
  // subdomain or a plain-http answer planted, and must not sign anyone in to an app.
  return getToken({
    req: { headers: { cookie: cookieHeader } },
    secret: sessionSecret(),
    secureCookie: secure,
    cookieName: sessionCookieName(secure),
    decode: decodeSessionToken,
  });
}

/**
 * A sign-in in a browser that still holds a live Latchkey session (an app asked the person to confirm it's them:
 * ./reauthentication.ts) starts a new session that replaces it: the new cookie overwrites the old one, and the old
 * session ends here too (recorded as its sign-out), so a copy of its cookie is worthless and the person's session
 * list shows one browser once. Called by every sign-in as it sets its cookie (./nextauth.ts). The cookie being
 * replaced ends whomever a proxy header now names: on a shared browser whose proxy sign-in changed hands, the
 * first person's session would otherwise stay alive, unseen, until it expired (review 21).
 */
export async function endReplacedSession(headers: Headers, newSessionId: string, secure = secureCookieFor(headers)): Promise<void> {
  const token = await sessionToken(headers, secure);
  const previous = typeof token?.sid === "string" ? await resolveSession(token.sid) : null;
  if (previous && previous.sessionId !== newSessionId) await signOutSession(previous, requestMeta(headers, secure));
}
