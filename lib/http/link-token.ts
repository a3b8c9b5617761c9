/**
 * The token of the one-time link a page was opened with, from its cookie (./link-cookie.ts: proxy.ts moved it
 * there out of the address), and its clearing once the link is used or found unusable.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { boundedLinkToken, linkCookie, linkCookieSetting, type LinkKind } from "./link-cookie";
import { secureCookieFor } from "./request-meta";

/**
 * Names one link without revealing it: what a page that rendered it puts in its "forget this link" request
 * (components/auth/forget-link.tsx), so that the request clears that link only, never a newer one of the kind
 * that another tab opened since. A digest of the cookie's value under this use's own label (the database keeps
 * a token's plain SHA-256; this is a different value), cut to 128 bits.
 */
export function linkFingerprint(cookieValue: string): string {
  return digestToken(`latchkey-link-fingerprint:${cookieValue}`).slice(0, 32);
}

/**
 * The kind's token ("" when there is none, or the cookie holds anything but a token of the kind's shape: the page
 * shows its "invalid link" state), and, when the browser sent the cookie at all, its fingerprint (then a page
 * that finds the link unusable has that link cleared: components/auth/forget-link.tsx).
 */
export async function linkToken(kind: LinkKind): Promise<{ token: string; fingerprint: string | null }> {
  const secure = secureCookieFor(await headers());
  const cookie = (await cookies()).get(linkCookie(kind, secure).name);
  return { token: boundedLinkToken(kind, cookie?.value) ?? "", fingerprint: cookie ? linkFingerprint(cookie.value) : null };
}

/**
 * Clears the kind's cookie (a server action or route handler: pages can't set cookies). With a fingerprint, only
 * if the cookie still holds that link (false when it holds another or none): a request from a page rendered for
 * an older link never clears a newer one.
 */
export async function forgetLinkToken(kind: LinkKind, fingerprint?: string): Promise<boolean> {
  const secure = secureCookieFor(await headers());
  const jar = await cookies();
  if (fingerprint !== undefined) {
    const held = jar.get(linkCookie(kind, secure).name);
    if (!held || linkFingerprint(held.value) !== fingerprint) return false;
  }
  const { name, value, options } = linkCookieSetting(kind, null, secure);
  jar.set(name, value, { ...options, expires: new Date(0) });
  return true;
}

const NO_STORE = { "cache-control": "no-store" };

/**
 * DELETE <link page>/forget?link=<fingerprint> (app/(public)/<page>/forget/route.ts): a link page that showed its
 * link can no longer be used (or a form that just used it and shows its success in place) has that link's cookie
 * cleared. A page can't set cookies, and a server action that does makes Next.js render the page again, which
 * would replace the success it shows with "invalid link". Under the page's own path, because over plain http the
 * cookie is scoped to it and sent nowhere else. `link` names the link the page rendered: a cookie holding another
 * link (a newer one, opened in another tab since) is kept, 409. Only the caller's own cookie is cleared; another
 * site can't send a DELETE (it would need a CORS preflight, which nothing here answers).
 */
export function forgetLinkRoute(kind: LinkKind): (request: Request) => Promise<Response> {
  return async (request) => {
    const link = new URL(request.url).searchParams.get("link");
    if (!link) return new Response(null, { status: 400, headers: NO_STORE });
    const cleared = await forgetLinkToken(kind, link);
    return new Response(null, { status: cleared ? 204 : 409, headers: NO_STORE });
  };
}
