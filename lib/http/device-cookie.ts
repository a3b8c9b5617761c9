/**
 * The browser's device cookie: a random id the proxy (proxy.ts) gives every
 * browser that has none, kept for 400 days (browsers cap cookies there). It is
 * not a credential — it tells one browser from another, so "sign-in from a new
 * browser" means this browser, not merely this make of browser on this system
 * (an attacker using the victim's kind of browser was no news before). Only a
 * digest of it with the user's id is stored (lib/mail/reactions.ts).
 * No imports: the proxy loads it too.
 */
export const DEVICE_COOKIE = "latchkey-device";
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/;

/** A fresh device id: 128 random bits, base64url. */
export function newDeviceId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The device id in a Cookie header, when there is a well-formed one. */
export function deviceFromCookieHeader(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== DEVICE_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return DEVICE_ID.test(value) ? value : null;
  }
  return null;
}
