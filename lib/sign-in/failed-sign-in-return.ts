/**
 * A sign-in at an external identity provider that ends without a session (the person cancels there, the
 * provider answers an error, Auth.js refuses the answer's state, Latchkey refuses the person) comes back to
 * Auth.js's callback, which answers with the sign-in page and the reason: /login?error=…. Auth.js doesn't say
 * where the sign-in was going, so a browser on its way back to an app's sign-in (the provider's interaction,
 * /oidc/interaction/:uid, which Auth.js keeps in its callback-url cookie) would lose the app's authorization.
 * It is sent to the sign-in page of that same interaction instead (the "confirm it's you" page for someone
 * still signed in, the ordinary one otherwise), with the reason, to try again. The way back is only ever the
 * path of a live interaction of this provider; once the interaction has ended the browser goes to it, where
 * the provider says the request expired and to start again from the app.
 */
import "server-only";
import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import { publicOrigin, secureCookieFor } from "@/lib/http/request-meta";
import { liveInteraction } from "@/lib/oidc/interactions";
import { interactionUidOf } from "@/lib/oidc/paths";
import { authJsCookies } from "./auth-cookies";

const SIGN_IN_PAGE = "/login";
/** Where providers send the browser back to Auth.js (/api/auth/callback/:provider). */
const AUTH_CALLBACK = /^\/api\/auth\/callback\/[^/]+$/;

/**
 * Where Auth.js's answer `location` should send the browser instead, when it is the sign-in page with a failure
 * and `callbackUrl` (the callback-url cookie: an address on `origin`) is an interaction's page; null to leave it.
 */
export async function failedSignInLocation(location: string, callbackUrl: string | undefined, requestOrigin: string, now = Date.now()): Promise<string | null> {
  const origin = new URL(requestOrigin).origin;
  const failed = new URL(location, origin);
  if (failed.origin !== origin || failed.pathname !== SIGN_IN_PAGE || !failed.searchParams.has("error") || !callbackUrl) return null;
  let back: URL;
  try {
    back = new URL(callbackUrl, origin);
  } catch {
    return null;
  }
  // Exactly an interaction's page on this origin: no other path, no query, no fragment, no user.
  if (back.href !== `${origin}${back.pathname}`) return null;
  const uid = interactionUidOf(back.pathname);
  if (!uid) return null;
  if (!(await liveInteraction(uid, now))) return back.pathname;
  failed.searchParams.set("callbackUrl", back.pathname);
  return `${failed.pathname}${failed.search}`;
}

/** Auth.js's `response` to a provider's callback, sent on to the failed sign-in's way back when it has one (failedSignInLocation). */
export async function withWayBackToApp(request: Request, response: Response): Promise<Response> {
  const location = response.headers.get("location");
  if (!location || response.status < 300 || response.status >= 400 || !AUTH_CALLBACK.test(new URL(request.url).pathname)) return response;
  const cookieName = authJsCookies(secureCookieFor(request.headers)).callbackUrl!.name!;
  const callbackUrl = new RequestCookies(request.headers).get(cookieName)?.value;
  const next = await failedSignInLocation(location, callbackUrl, publicOrigin(request.headers));
  if (next === null) return response;
  // Auth.js's redirects may have immutable headers: the same answer, with the new Location.
  const headers = new Headers(response.headers);
  headers.set("location", next);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
