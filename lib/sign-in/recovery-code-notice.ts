/**
 * After a sign-in with a recovery code, the page the person lands on says how many codes are left, and, when few or
 * none, offers to make new ones (review 19: only Profile said it). Once: a marker cookie set with the session
 * (./nextauth.ts, the second step), read by the dashboard's layout, cleared by the notice once shown. It holds
 * the SHA-256 digest of the session the code started, and only that session is told: a marker that outlived its
 * session on a shared browser (an app's own sign-out, a browser left signed in, then its cookie gone) says nothing
 * to the next person signing in there. No count or secret in it; the count is read from the server when shown.
 * HttpOnly, SameSite=Lax, "__Host-" under HTTPS.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { hostCookieName } from "@/lib/http/host-cookie";
import { secureCookieFor } from "@/lib/http/request-meta";

const NOTICE_COOKIE = "latchkey.recovery-code-used";
/** Long enough for the way from the code to the first page (an app's sign-in on the way included). */
const NOTICE_MAX_AGE_SECONDS = 15 * 60;

async function noticeCookie() {
  const jar = await cookies();
  const secure = secureCookieFor(await headers());
  return { jar, secure, name: hostCookieName(NOTICE_COOKIE, secure) };
}

/** The marker's value for a session: its id's digest, so the cookie neither holds the id nor fits another session. */
function markerFor(sessionId: string): string {
  return digestToken(sessionId);
}

/** The session `sessionId` (just created by the second step) signed in with a recovery code. */
export async function markRecoveryCodeUsed(sessionId: string): Promise<void> {
  const { jar, secure, name } = await noticeCookie();
  jar.set(name, markerFor(sessionId), { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: NOTICE_MAX_AGE_SECONDS });
}

/** Whether this session (not merely this browser) signed in with a recovery code and hasn't been told the count yet. */
export async function recoveryCodeNoticeDue(sessionId: string): Promise<boolean> {
  const { jar, name } = await noticeCookie();
  return jar.get(name)?.value === markerFor(sessionId);
}

export async function clearRecoveryCodeNotice(): Promise<void> {
  const { jar, secure, name } = await noticeCookie();
  jar.set(name, "", { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0, expires: new Date(0) });
}
