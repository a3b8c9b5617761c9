/**
 * The cookie that binds a pending second step (lib/mfa/second-step.ts) to the
 * browser that passed the password: HttpOnly, SameSite=Lax, Secure behind
 * HTTPS and then "__Host-" named (lib/http/host-cookie.ts: no sibling subdomain can plant one), path "/",
 * gone after five minutes. It holds a random 256-bit token;
 * the server keeps only its digest, so the cookie is as unforgeable as a
 * signed one and reveals nothing.
 *
 * The password step is answered before Next.js (./credentials-http.ts): there the
 * request's cookie sink (./cookie-sink.ts) stands in for `next/headers`; the second
 * step itself is a Next.js route.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { hostCookieName } from "@/lib/http/host-cookie";
import { secureCookieFor } from "@/lib/http/request-meta";
import { SECOND_STEP_COOKIE, SECOND_STEP_TTL_MS } from "@/lib/mfa/second-step";
import { currentCookieSink } from "./cookie-sink";

async function requestCookies() {
  const sink = currentCookieSink();
  const request = sink ? { headers: sink.requestHeaders, read: sink.requestCookies, write: sink.responseCookies } : { headers: await headers(), read: await cookies(), write: await cookies() };
  const secure = secureCookieFor(request.headers);
  return { ...request, secure, name: hostCookieName(SECOND_STEP_COOKIE, secure) };
}

export async function setSecondStepCookie(token: string): Promise<void> {
  const request = await requestCookies();
  const secure = request.secure;
  request.write.set(request.name, token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: SECOND_STEP_TTL_MS / 1000,
  });
}

export async function secondStepToken(): Promise<string | undefined> {
  const request = await requestCookies();
  return request.read.get(request.name)?.value;
}

export async function clearSecondStepCookie(): Promise<void> {
  const request = await requestCookies();
  // With the attributes it was set with: a browser ignores a "__Host-" cookie's clearing that isn't Secure with Path=/.
  request.write.set(request.name, "", { httpOnly: true, sameSite: "lax", secure: request.secure, path: "/", maxAge: 0, expires: new Date(0) });
}
