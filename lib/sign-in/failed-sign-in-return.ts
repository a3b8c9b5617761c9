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
 *
 * A password posted straight to Auth.js (POST /api/auth/callback/credentials with `callbackUrl` among its fields:
 * a client without JavaScript, a script; the pages use server actions) that is refused comes back the same way,
 * with the form's own code (wrong email or password, wait, the second step), to the same page.
 */
import "server-only";
import { publicOrigin } from "@/lib/http/request-meta";
import { liveInteraction } from "@/lib/oidc/interactions";
import { interactionUidOf } from "@/lib/oidc/paths";
import { authJsCallbackUrl, interactionCallbackPath } from "./interaction-callback";

const SIGN_IN_PAGE = "/login";
/** Where providers send the browser back to Auth.js (/api/auth/callback/:provider), and where a form posts (…/credentials). */
const AUTH_CALLBACK = /^\/api\/auth\/callback\/[^/]+$/;

/**
 * Where Auth.js's answer `location` should send the browser instead, when it is the sign-in page with a failure
 * and `callbackUrl` (the sign-in's way on: an address on `origin`) is an interaction's page; null to leave it.
 */
export async function failedSignInLocation(location: string, callbackUrl: string | undefined, requestOrigin: string, now = Date.now()): Promise<string | null> {
  const origin = new URL(requestOrigin).origin;
  const failed = new URL(location, origin);
  if (failed.origin !== origin || failed.pathname !== SIGN_IN_PAGE || !failed.searchParams.has("error")) return null;
  const back = interactionCallbackPath(callbackUrl, origin);
  if (!back) return null;
  if (!(await liveInteraction(interactionUidOf(back)!, now))) return back;
  failed.searchParams.set("callbackUrl", back);
  return `${failed.pathname}${failed.search}`;
}

/** The fields of a posted form (a sign-in form posted straight to Auth.js), or null for any other body. */
export function formFields(contentType: string | null, body: string): URLSearchParams | null {
  return contentType?.split(";", 1)[0].trim().toLowerCase() === "application/x-www-form-urlencoded" ? new URLSearchParams(body) : null;
}

/**
 * Auth.js's `response` to a callback (a provider's answer, or a form posted to /api/auth/callback/credentials), sent
 * on to the failed sign-in's way back when it has one (failedSignInLocation). The way back is Auth.js's own: the
 * posted form's `callbackUrl` field, else the query's, else its callback-url cookie; `form` reads the posted
 * fields, only when the answer is a failure.
 */
export async function withWayBackToApp(request: Request, response: Response, form: () => Promise<URLSearchParams | null> = async () => null): Promise<Response> {
  const location = response.headers.get("location");
  if (!location || response.status < 300 || response.status >= 400) return response;
  const url = new URL(request.url);
  if (!AUTH_CALLBACK.test(url.pathname) || !new URL(location, url).searchParams.has("error")) return response;
  const callbackUrl = authJsCallbackUrl((await form())?.get("callbackUrl") ?? undefined, request.url, request.headers);
  const next = await failedSignInLocation(location, callbackUrl, publicOrigin(request.headers));
  if (next === null) return response;
  // Auth.js's redirects may have immutable headers: the same answer, with the new Location.
  const headers = new Headers(response.headers);
  headers.set("location", next);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Auth.js's handler with the way back (withWayBackToApp), as the auth route exports it, which also answers the
 * credentials form's POST on the Node fast path (./credentials-http.ts). A posted form's fields are read from a copy
 * (Auth.js reads the request's own body), and only when the sign-in failed.
 */
export function withWayBackOnFailure<R extends Request>(handler: (request: R) => Promise<Response>): (request: R) => Promise<Response> {
  return async (request) => {
    const copy = request.method === "POST" ? request.clone() : null;
    return withWayBackToApp(request, await handler(request), async () => (copy ? formFields(copy.headers.get("content-type"), await copy.text()) : null));
  };
}
