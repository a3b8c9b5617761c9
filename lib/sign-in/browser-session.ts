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
import { publicUrlIsHttps } from "@/lib/http/request-meta";
import { proxyStillNames } from "@/lib/idp/trusted-header";
import { decodeSessionToken } from "./session-token";

const SECURE_COOKIE = "__Secure-authjs.session-token";

/**
 * `header` reads the request's other headers: a session the proxy header signed in is no session when the
 * request's proxy header names someone else (lib/idp/trusted-header.ts proxyStillNames), as for the dashboard.
 */
export async function browserSession(
  cookieHeader: string | undefined,
  header: (name: string) => string | string[] | undefined = () => undefined,
): Promise<SessionActor | null> {
  if (!cookieHeader) return null;
  // With an https PUBLIC_URL only the "__Secure-" cookie is ours (./nextauth.ts): a plain "authjs.session-token"
  // is one that a plain-http response (a network attacker's) planted, and must not sign anyone in to an app.
  const secureCookie = publicUrlIsHttps() || cookieHeader.includes(SECURE_COOKIE);
  const token = await getToken({ req: { headers: { cookie: cookieHeader } }, secret: sessionSecret(), secureCookie, decode: decodeSessionToken });
  const sid = token?.sid;
  if (token?.proxy && !proxyStillNames(token.proxy, header)) return null;
  return typeof sid === "string" ? resolveSession(sid) : null;
}
