/**
 * The token of the one-time link a page was opened with, from its cookie (./link-cookie.ts: proxy.ts moved it
 * there out of the address), and its clearing once the link is used or found unusable.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { boundedLinkToken, linkCookie, linkCookieSetting, type LinkKind } from "./link-cookie";
import { secureCookieFor } from "./request-meta";

/**
 * The kind's token ("" when there is none, or the cookie holds anything but a token of the kind's shape: the page
 * shows its "invalid link" state), and whether the browser sent the cookie at all (then a page that finds the link
 * unusable has it cleared: components/auth/forget-link.tsx).
 */
export async function linkToken(kind: LinkKind): Promise<{ token: string; held: boolean }> {
  const secure = secureCookieFor(await headers());
  const cookie = (await cookies()).get(linkCookie(kind, secure).name);
  return { token: boundedLinkToken(kind, cookie?.value) ?? "", held: cookie !== undefined };
}

/** Clears the kind's cookie (a server action or route handler: pages can't set cookies). */
export async function forgetLinkToken(kind: LinkKind): Promise<void> {
  const { name, value, options } = linkCookieSetting(kind, null, secureCookieFor(await headers()));
  (await cookies()).set(name, value, { ...options, expires: new Date(0) });
}
