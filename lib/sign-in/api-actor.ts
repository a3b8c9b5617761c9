/**
 * Who is calling the REST API: a personal access token in the Authorization
 * header ("Bearer" or "Token"), or else the dashboard's session cookie. Cookie
 * callers must come from our own origin for anything that writes.
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertMayWrite } from "@/lib/auth/policy";
import { MUST_CHANGE_PASSWORD, sessionActor } from "@/lib/sign-in/session-actor";
import { Forbidden, Unauthenticated } from "@/lib/errors";
import { accessTokenLimit, consumeRateLimit } from "@/lib/security/rate-limit";
import { noteRequestActor } from "@/lib/observability/request-log";
import { publicOrigin } from "@/lib/http/request-meta";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    // Hosts, not origins: a TLS proxy that doesn't say X-Forwarded-Proto still serves our own pages.
    return new URL(origin).host === new URL(publicOrigin(request.headers)).host;
  } catch {
    return false;
  }
}

export type ApiActorOptions = {
  /** Let a session that must change its password through (only the password change itself). */
  allowPendingPasswordChange?: boolean;
};

export async function apiActor(request: Request, options: ApiActorOptions = {}): Promise<Actor> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new Unauthenticated("Malformed Authorization header: use 'Bearer <token>' or 'Token <token>'");
    const actor = await authenticateAccessToken(match[1]);
    if (!actor) throw new Unauthenticated("Invalid or expired token");
    noteRequestActor(actor.userId);
    // Per token, not per address: automation behind one NAT shares an address, and a token is one client.
    await consumeRateLimit(accessTokenLimit(), actor.tokenId);
    // A read-only token's write is refused before its body is read (review 22): a settings PUT with a body the
    // schema refused answered 422, so the script fixed the body only to learn the token can't write at all.
    if (!SAFE_METHODS.has(request.method)) assertMayWrite(actor);
    return actor;
  }
  const actor = await sessionActor();
  if (!actor) throw new Unauthenticated();
  if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
    throw new Forbidden("Cross-origin request refused");
  }
  if (actor.mustChangePassword && !options.allowPendingPasswordChange) throw new Forbidden(MUST_CHANGE_PASSWORD);
  return actor;
}
