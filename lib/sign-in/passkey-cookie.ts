/**
 * The cookie that binds a passwordless passkey challenge (lib/sign-in/passkey-sign-in.ts)
 * to the browser that asked for it: HttpOnly, SameSite=Lax, Secure behind HTTPS,
 * five minutes. It holds a random 256-bit token; the server keeps only its digest.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { secureCookieFor } from "@/lib/http/request-meta";
import { PASSKEY_COOKIE, PASSKEY_COOKIE_TTL_MS } from "@/lib/sign-in/passkey-sign-in";

export async function setPasskeyCookie(token: string): Promise<void> {
  const secure = secureCookieFor(await headers());
  (await cookies()).set(PASSKEY_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: PASSKEY_COOKIE_TTL_MS / 1000 });
}

export async function passkeyCookieToken(): Promise<string | undefined> {
  return (await cookies()).get(PASSKEY_COOKIE)?.value;
}

export async function clearPasskeyCookie(): Promise<void> {
  (await cookies()).delete(PASSKEY_COOKIE);
}
