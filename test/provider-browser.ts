/**
 * A browser against the OpenID provider on a loopback port (./provider-server.ts), as the provider's HTTP tests
 * drive it with fetch: a cookie jar holding a Latchkey session, kept from answer to answer, and redirects followed
 * within Latchkey until the browser is sent elsewhere (the app, or /login).
 */
import { sessionSecret } from "@/lib/crypto/keys";
import { SESSION_COOKIE } from "@/lib/sign-in/auth-cookies";
import { encodeSessionToken } from "@/lib/sign-in/session-token";
import { startSession } from "./factories";

/** A browser holding a fresh Latchkey session of `person` (begun at `signedInAt`): its cookie jar, and the session's id. */
export async function signedInJar(person: { id: string; accountId: string }, signedInAt?: Date): Promise<{ jar: string[]; sessionId: string }> {
  const { sessionId } = await startSession(person, signedInAt);
  return { jar: [await sessionCookie(sessionId, person.id)], sessionId };
}

/** The cookie of Latchkey session `sessionId` of user `userId`, as Auth.js sets it. */
export async function sessionCookie(sessionId: string, userId: string): Promise<string> {
  const token = await encodeSessionToken({ token: { sid: sessionId, sub: userId }, secret: sessionSecret(), salt: SESSION_COOKIE, maxAge: 3600 });
  return `${SESSION_COOKIE}=${token}`;
}

/** The cookies an answer sets, kept in the jar as a browser keeps them (a cleared one stays, empty: it is sent as nothing). */
export function keepCookies(jar: string[], res: Response): void {
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(";", 1)[0];
    const name = pair.slice(0, pair.indexOf("="));
    jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${name}=`)), pair);
  }
}

/**
 * Follows redirects within Latchkey (`base`) with the jar: the last answer's status and body, and where it sent the
 * browser outside Latchkey or to /login (`left`). `init` is the first request's (a POST to the authorization endpoint).
 */
export async function browseWithin(base: string, url: URL, jar: string[], init: RequestInit = {}): Promise<{ status: number; body: string; left?: URL }> {
  let next = url;
  let request = init;
  for (let hop = 0; hop < 8; hop += 1) {
    const res = await fetch(next, { redirect: "manual", ...request, headers: { ...(request.headers as Record<string, string>), cookie: jar.join("; ") } });
    keepCookies(jar, res);
    const body = await res.text();
    const location = res.headers.get("location");
    if (!location) return { status: res.status, body };
    const target = new URL(location, next);
    if (target.origin !== base || target.pathname === "/login") return { status: res.status, body, left: target };
    next = target;
    request = {};
  }
  throw new Error("too many redirects");
}
