/**
 * Where an Auth.js sign-in is going when it is on its way back to an app's sign-in: the path of the provider's
 * interaction (/oidc/interaction/:uid) it returns to, read from the sign-in form's `callbackUrl` field or Auth.js's
 * callback-url cookie. The one guard for every reader (a failed sign-in's way back: ./failed-sign-in-return.ts;
 * who may answer a "confirm it's you": ./reauthentication.ts): exactly an interaction's page on this origin.
 */
import "server-only";
import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import { secureCookieFor } from "@/lib/http/request-meta";
import { interactionUidOf } from "@/lib/oidc/paths";
import { authJsCookies } from "./auth-cookies";

/** The interaction path `callbackUrl` names on `origin` (no other path, no query, no fragment, no user); null otherwise. */
export function interactionCallbackPath(callbackUrl: string | null | undefined, origin: string): string | null {
  if (!callbackUrl) return null;
  const own = new URL(origin).origin;
  let back: URL;
  try {
    back = new URL(callbackUrl, own);
  } catch {
    return null;
  }
  if (back.href !== `${own}${back.pathname}`) return null;
  return interactionUidOf(back.pathname) ? back.pathname : null;
}

/** Auth.js's callback-url cookie of a request (named as the request's scheme names Auth.js's cookies). */
export function callbackUrlCookie(headers: Headers): string | undefined {
  const name = authJsCookies(secureCookieFor(headers)).callbackUrl!.name!;
  return new RequestCookies(headers).get(name)?.value;
}

/**
 * Where an Auth.js sign-in request goes on to, as Auth.js reads it: the posted form's `callbackUrl` field (`posted`;
 * a server action's signIn posts its redirectTo there), else the query's, else its callback-url cookie.
 */
export function authJsCallbackUrl(posted: unknown, url: string, headers: Headers): string | undefined {
  if (typeof posted === "string") return posted;
  return new URL(url).searchParams.get("callbackUrl") ?? callbackUrlCookie(headers);
}
