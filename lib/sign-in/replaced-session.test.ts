/**
 * A sign-in on a browser that holds a session ends that session as its cookie is replaced (./browser-session.ts
 * endReplacedSession). Review 21: when the proxy header had come to name someone else (a shared browser whose proxy
 * sign-in changed hands), the first person's session was no session for the request, so it wasn't ended either, and
 * stayed alive, unseen, until it expired.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { sessionSecret } from "@/lib/crypto/keys";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { signInWithTrustedHeader } from "@/lib/idp/trusted-header";
import { resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { SESSION_COOKIE } from "./auth-cookies";
import { endReplacedSession } from "./browser-session";
import { encodeSessionToken } from "./session-token";

const proxied = (user: string) => new Headers({ [PEER_HEADER]: "10.9.0.2", "remote-user": user, "remote-email": `${user}@proxy.example` });

/** The request of a browser holding `signedIn`'s session cookie, whose proxy header names `user`. */
async function browserWith(signedIn: Awaited<ReturnType<typeof signInWithTrustedHeader>>, user: string): Promise<Headers> {
  const token = await encodeSessionToken({ token: { sid: signedIn.sessionId, sub: signedIn.userId, proxy: signedIn.proxy }, secret: sessionSecret(), salt: SESSION_COOKIE, maxAge: 3600 });
  const headers = proxied(user);
  headers.set("cookie", `${SESSION_COOKIE}=${token}`);
  return headers;
}

beforeAll(async () => {
  const accountId = await createAccount();
  const owner = await startSession(await createUser(accountId, { role: "owner", password: "owner passphrase" }));
  await updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.9.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", auto_create: true, default_role: "user" }, META);
});

describe("a session whose cookie a new sign-in replaces", () => {
  it("ends when the proxy header now names someone else", async () => {
    const alice = await signInWithTrustedHeader(proxied("alice"), META);
    const bob = await signInWithTrustedHeader(proxied("bob"), META);
    await endReplacedSession(await browserWith(alice, "bob"), bob.sessionId);
    expect(await resolveSession(alice.sessionId)).toBeNull();
    expect(await resolveSession(bob.sessionId)).not.toBeNull();
  });

  it("ends when the header names the same person (a sign-in again), and never the new one", async () => {
    const first = await signInWithTrustedHeader(proxied("carol"), META);
    const again = await signInWithTrustedHeader(proxied("carol"), META);
    await endReplacedSession(await browserWith(first, "carol"), again.sessionId);
    expect(await resolveSession(first.sessionId)).toBeNull();
    await endReplacedSession(await browserWith(again, "carol"), again.sessionId);
    expect(await resolveSession(again.sessionId)).not.toBeNull();
  });
});
