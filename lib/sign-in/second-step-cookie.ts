/**
 * The cookie that binds a pending second step (lib/mfa/second-step.ts) to the
 * browser that passed the password: HttpOnly, SameSite=Lax, Secure behind
 * HTTPS, path "/", gone after five minutes. It holds a random 256-bit token;
 * the server keeps only its digest, so the cookie is as unforgeable as a
 * signed one and reveals nothing.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { publicOrigin } from "@/lib/http/request-meta";
import { SECOND_STEP_COOKIE, SECOND_STEP_TTL_MS } from "@/lib/mfa/second-step";

export async function setSecondStepCookie(token: string): Promise<void> {
  const secure = publicOrigin(await headers()).startsWith("https:");
  (await cookies()).set(SECOND_STEP_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: SECOND_STEP_TTL_MS / 1000,
  });
}

export async function secondStepToken(): Promise<string | undefined> {
  return (await cookies()).get(SECOND_STEP_COOKIE)?.value;
}

export async function clearSecondStepCookie(): Promise<void> {
  (await cookies()).delete(SECOND_STEP_COOKIE);
}
