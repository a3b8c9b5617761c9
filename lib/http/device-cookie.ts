/**
 * The browser's device cookie: a random id the proxy (proxy.ts) gives every
 * browser that has none, kept for 400 days (browsers cap cookies there). It is
 * not a credential — it tells one browser from another, so "sign-in from a new
 * browser" means this browser, not merely this make of browser on this system
 * (an attacker using the victim's kind of browser was no news before). Only a
 * digest of it with the user's id is stored (lib/mail/reactions.ts).
 * Under https it is "__Host-" named (./host-cookie.ts): a sibling subdomain that could plant a device id
 * it knows could later pass its own browser off as that one, and its sign-ins would raise no notice.
 * Only the proxy's and ./host-cookie.ts's imports: the proxy loads it too.
 */
import { hostCookieName } from "./host-cookie";

export const DEVICE_COOKIE = "latchkey-device";
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/;

/** A fresh device id: 128 random bits, base64url. */
export function newDeviceId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The device cookie's name, Secure ("__Host-") or not. */
export function deviceCookieName(secure: boolean): string {
  return hostCookieName(DEVICE_COOKIE, secure);
}

/** The device id in a Cookie header, when there is a well-formed one under the name it has on this request. */
export function deviceFromCookieHeader(cookieHeader: string | null, secure: boolean): string | null {
  if (!cookieHeader) return null;
  const name = deviceCookieName(secure);
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return DEVICE_ID.test(value) ? value : null;
  }
  return null;
}
