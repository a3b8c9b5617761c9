/**
 * Whom the sign-in form is prefilled with after setup, an accepted invite or a password reset: the email (or
 * username) goes to /login in a short-lived cookie, not in its address (`/login?reset=1&email=…` put a person's
 * address into the browser's history, which syncs to their other devices). HttpOnly, SameSite=Lax, five minutes
 * (the redirect and a reload or two), Secure and "__Host-" named under https (lib/http/host-cookie.ts: a browser
 * then takes it only with Path=/), scoped to /login over plain http. Nothing but a prefill: it signs nobody in.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { hostCookieName } from "@/lib/http/host-cookie";
import { secureCookieFor } from "@/lib/http/request-meta";

const SIGN_IN_AS_COOKIE = "latchkey-sign-in-as";
const MAX_AGE_SECONDS = 5 * 60;
/** Longer than any email (254) or username: anything longer is not one. */
const MAX_LENGTH = 320;

async function signInAsCookie() {
  const secure = secureCookieFor(await headers());
  return { secure, name: hostCookieName(SIGN_IN_AS_COOKIE, secure), path: secure ? "/" : "/login", jar: await cookies() };
}

/** In the server action that then redirects to /login. */
export async function prefillSignInWith(identifier: string): Promise<void> {
  const { secure, name, path, jar } = await signInAsCookie();
  if (!identifier || identifier.length > MAX_LENGTH) return;
  jar.set(name, identifier, { httpOnly: true, sameSite: "lax", secure, path, maxAge: MAX_AGE_SECONDS });
}

/** For the sign-in page's form. */
export async function signInPrefill(): Promise<string | undefined> {
  const { name, jar } = await signInAsCookie();
  const value = jar.get(name)?.value;
  return value && value.length <= MAX_LENGTH ? value : undefined;
}
