/**
 * The cookie that binds a passwordless passkey challenge (lib/sign-in/passkey-sign-in.ts)
 * to the browser that asked for it: HttpOnly, SameSite=Lax, Secure behind HTTPS and then
 * "__Host-" named (lib/http/host-cookie.ts: no sibling subdomain can plant one), five minutes. It holds a random 256-bit token; the server keeps only its digest.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { hostCookieName } from "@/lib/http/host-cookie";
import { secureCookieFor } from "@/lib/http/request-meta";
import { PASSKEY_COOKIE, PASSKEY_COOKIE_TTL_MS } from "@/lib/sign-in/passkey-sign-in";

async function passkeyCookie() {
  const secure = secureCookieFor(await headers());
  return { secure, name: hostCookieName(PASSKEY_COOKIE, secure), jar: await cookies() };
}

export async function setPasskeyCookie(token: string): Promise<void> {
  const { secure, name, jar } = await passkeyCookie();
  jar.set(name, token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: PASSKEY_COOKIE_TTL_MS / 1000 });
}

export async function passkeyCookieToken(): Promise<string | undefined> {
  const { name, jar } = await passkeyCookie();
  return jar.get(name)?.value;
}

export async function clearPasskeyCookie(): Promise<void> {
  const { secure, name, jar } = await passkeyCookie();
  // With the attributes it was set with: a browser ignores a "__Host-" cookie's clearing that isn't Secure with Path=/.
  jar.set(name, "", { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0, expires: new Date(0) });
}
