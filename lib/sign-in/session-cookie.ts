/**
 * The session id in a dashboard request's Auth.js cookie, read with Auth.js's
 * getToken (next-auth/jwt) and the session token's decoder (./session-token.ts),
 * for server components and server actions.
 *
 * Why not `auth()`: from a server component it runs Auth.js's whole session
 * endpoint per call — builds the config (the sign-in options, every provider),
 * decrypts the cookie, runs the jwt callback (a session-row read), then
 * encrypts a fresh cookie that a server component can't set anyway and
 * answers with a JSON Response — after which sessionActor read the same
 * session row a second time. Here: one decrypt, and the caller checks the row
 * once (lib/sessions/sessions.ts), which is what the jwt callback did.
 * Refreshing the cookie's expiry stays with Auth.js's own routes (/api/auth/*).
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { getToken } from "next-auth/jwt";
import { sessionSecret } from "@/lib/crypto/keys";
import { secureCookieFor } from "@/lib/http/request-meta";
import { proxyStillNames } from "@/lib/idp/trusted-header";
import { sessionCookieName } from "./auth-cookies";
import { decodeSessionToken } from "./session-token";

/** The session id the request's session cookie carries, or null (no cookie, undecryptable, expired, no id). */
export async function sessionIdFromCookie(): Promise<string | null> {
  const jar = await cookies();
  // No cookie at all (a signed-out browser): nothing to decrypt.
  if (jar.size === 0) return null;
  const requestHeaders = await headers();
  // The name Auth.js writes for this request (./nextauth.ts, the same rule): under https only "__Host-…", so a
  // "__Secure-" or plain session cookie a sibling subdomain planted signs nobody in (./auth-cookies.ts).
  const secure = secureCookieFor(requestHeaders);
  // Only the cookie header: getToken would otherwise take an Authorization: Bearer value for a session token.
  const token = await getToken({
    req: { headers: { cookie: requestHeaders.get("cookie") ?? "" } },
    secret: sessionSecret(),
    secureCookie: secure,
    cookieName: sessionCookieName(secure),
    // Auth.js's token format with the key derived once per secret (./session-token.ts).
    decode: decodeSessionToken,
  });
  const sid = token?.sid;
  if (token?.proxy && !proxyStillNames(token.proxy, (name) => requestHeaders.get(name))) return null;
  return typeof sid === "string" ? sid : null;
}
