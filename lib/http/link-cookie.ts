/**
 * One-time links (an invite, a password reset, the owner's recovery, an email change's confirmation) leave the
 * address bar at once, as Django's password reset confirm view does: the first request with `?token=` in its
 * address puts the token into a cookie and is answered 303 to the same page without it (proxy.ts), and the page
 * reads the token from the cookie (./link-token.ts). The links people receive keep their form; the browser's
 * history keeps only the clean address, so a link opened on a shared computer and left unused can't be reopened
 * from there.
 *
 * The cookie: one per kind of link, HttpOnly, SameSite=Lax (the link is opened from a mail client, a cross-site
 * top-level navigation), and under https Secure and "__Host-" named (./host-cookie.ts: no sibling subdomain can
 * plant a link of its choosing), which a browser takes only with Path=/; over plain http it is scoped to its
 * page's path. It lives no longer than the link itself and at most LINK_COOKIE_CAP_SECONDS. Only a token of the
 * kind's own shape is ever stored or read (boundedLinkToken): a forged, overlong or foreign cookie is no token.
 *
 * No server imports: proxy.ts loads it.
 */
import { SECRET_TOKEN_LENGTH, TOKEN_PREFIXES } from "@/lib/crypto/token-prefixes";
import { hostCookieName } from "./host-cookie";

/**
 * Thirty minutes: long enough to read the page, let a password manager make and save a password, or ask someone
 * a question; short enough that a link opened on a shared computer and left is gone from that browser by the time
 * its person has walked away. Opening the link from the mail again sets it again.
 */
export const LINK_COOKIE_CAP_SECONDS = 30 * 60;

/** Each link page: its path, the prefix its tokens carry, and how long its cookie lives (never past the link's own lifetime: ./link-cookie.test.ts). */
export const LINK_PAGES = {
  invite: { path: "/invite", prefix: TOKEN_PREFIXES.invite, maxAgeSeconds: LINK_COOKIE_CAP_SECONDS },
  reset: { path: "/reset-password", prefix: TOKEN_PREFIXES.passwordReset, maxAgeSeconds: LINK_COOKIE_CAP_SECONDS },
  recover: { path: "/recover", prefix: TOKEN_PREFIXES.ownerRecovery, maxAgeSeconds: 15 * 60 },
  confirmEmail: { path: "/confirm-email", prefix: TOKEN_PREFIXES.emailChange, maxAgeSeconds: LINK_COOKIE_CAP_SECONDS },
} as const;

export type LinkKind = keyof typeof LINK_PAGES;

export type CookieSetting = {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; secure: boolean; path: string; maxAge: number };
};

/** The kind of link whose page this path is, if any. */
export function linkKindAt(pathname: string): LinkKind | null {
  for (const kind of Object.keys(LINK_PAGES) as LinkKind[]) if (LINK_PAGES[kind].path === pathname) return kind;
  return null;
}

/** The kind's cookie as this request writes and reads it. */
export function linkCookie(kind: LinkKind, secure: boolean): { name: string; path: string } {
  return { name: hostCookieName(`latchkey-link-${kind}`, secure), path: secure ? "/" : LINK_PAGES[kind].path };
}

const BODY = new RegExp(`^[0-9A-Za-z]{${SECRET_TOKEN_LENGTH - 4}}$`);

/** The token if it has the shape of this kind's tokens (its prefix, its length, base62), else null: checked before it is stored and when it is read. */
export function boundedLinkToken(kind: LinkKind, raw: string | null | undefined): string | null {
  if (typeof raw !== "string" || raw.length !== SECRET_TOKEN_LENGTH) return null;
  return raw.startsWith(`${LINK_PAGES[kind].prefix}_`) && BODY.test(raw.slice(4)) ? raw : null;
}

/** Setting the kind's cookie to a token, or (null) clearing it: with the attributes it was set with, or a browser ignores a "__Host-" cookie's clearing. */
export function linkCookieSetting(kind: LinkKind, token: string | null, secure: boolean): CookieSetting {
  const { name, path } = linkCookie(kind, secure);
  return {
    name,
    value: token ?? "",
    options: { httpOnly: true, sameSite: "lax", secure, path, maxAge: token === null ? 0 : LINK_PAGES[kind].maxAgeSeconds },
  };
}

/**
 * A GET (or HEAD) of a link page with `token` in its address: where to send the browser (the same page and query
 * without any `token`, as a path: the only Location this answer ever carries) and the cookie to set. A token not
 * of the kind's shape clears the cookie instead, so the clean page shows "this link is invalid"; a newer link of
 * the same kind replaces an older one. Null for every other request.
 */
export function linkTokenExchange(method: string, url: URL, secure: boolean): { location: string; cookie: CookieSetting } | null {
  if (method !== "GET" && method !== "HEAD") return null;
  const kind = linkKindAt(url.pathname);
  if (!kind || !url.searchParams.has("token")) return null;
  const token = boundedLinkToken(kind, url.searchParams.get("token"));
  const rest = new URLSearchParams(url.searchParams);
  rest.delete("token");
  const query = rest.toString();
  return { location: `${LINK_PAGES[kind].path}${query ? `?${query}` : ""}`, cookie: linkCookieSetting(kind, token, secure) };
}
