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
import { decodeSessionToken } from "./session-token";

const SECURE_COOKIE = "__Secure-authjs.session-token";

export async function browserSession(cookieHeader: string | undefined): Promise<SessionActor | null> {
  if (!cookieHeader) return null;
  // With an https PUBLIC_URL only the "__Secure-" cookie is ours (./nextauth.ts): a plain "authjs.session-token"
  // is one that a plain-http response (a network attacker's) planted, and must not sign anyone in to an app.
  const secureCookie = publicUrlIsHttps() || cookieHeader.includes(SECURE_COOKIE);
  const token = await getToken({ req: { headers: { cookie: cookieHeader } }, secret: sessionSecret(), secureCookie, decode: decodeSessionToken });
  const sid = token?.sid;
  return typeof sid === "string" ? resolveSession(sid) : null;
}
