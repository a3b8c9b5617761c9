/**
 * An app's sign-in through Latchkey's OpenID provider (lib/sign-in/app-sign-in-http.ts) under https: the
 * interaction takes the person from the "__Host-" session cookie only. A "__Secure-" or plain session cookie
 * (planted by a sibling subdomain, or a plain-http answer, with the planter's own session) signs nobody in: the
 * browser is sent to sign in, instead of the app getting the planter's identity for the victim.
 *
 * The whole flow runs through oidcRequestHandler on a loopback server, with PUBLIC_URL (the issuer) on https.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { resolveSession } from "@/lib/sessions/sessions";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { META, startSession } from "@/test/factories";
import { oidcRequestHandler } from "./app-sign-in-http";
import { encodeSessionToken } from "./session-token";

const ISSUER = "https://team.example.com";
const REDIRECT = "http://127.0.0.1:9/callback";
let server: http.Server;
let base: string;
let clientId: string;
let owner: { id: string; accountId: string };

beforeAll(async () => {
  (config() as { publicUrl: string | null }).publicUrl = ISSUER;
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  owner = { id: setup.user_id, accountId: setup.account_id };
  const actor = await startSession(owner);
  const { application } = await createApplication(actor, createApplicationSchema.parse({ name: "Grafana", type: "spa", redirect_uris: [REDIRECT] }), META);
  clientId = application.clientId;
  server = http.createServer((req, res) => {
    if (!oidcRequestHandler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  (config() as { publicUrl: string | null }).publicUrl = null;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A session cookie "name=value" for a fresh session of the owner, as Auth.js writes it under that name. */
async function sessionCookie(name: string): Promise<string> {
  const { sessionId } = await startSession(owner);
  expect(await resolveSession(sessionId)).not.toBeNull();
  return `${name}=${await encodeSessionToken({ token: { sid: sessionId, sub: owner.id }, secret: sessionSecret(), salt: name, maxAge: 3600 })}`;
}

const pairs = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]);

/**
 * An authorization request with `cookie`, then its interaction: where the interaction sends the browser. A
 * request with no cookie of a session's names is sent to sign in by the authorization request itself.
 */
async function appSignIn(cookie: string): Promise<string> {
  const challenge = crypto.createHash("sha256").update(crypto.randomBytes(32)).digest("base64url");
  const query = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "s" });
  const auth = await fetch(`${base}/oidc/auth?${query}`, { redirect: "manual", headers: { cookie } });
  expect(auth.status, await auth.clone().text()).toBe(303);
  if (auth.headers.get("location")!.startsWith("/login?")) return auth.headers.get("location")!;
  const interaction = new URL(auth.headers.get("location")!, ISSUER);
  expect(interaction.pathname).toMatch(/^\/oidc\/interaction\//);
  const answer = await fetch(`${base}${interaction.pathname}`, { redirect: "manual", headers: { cookie: [...pairs(auth), cookie].join("; ") } });
  await answer.text();
  expect(answer.status).toBe(303);
  return answer.headers.get("location")!;
}

describe("an app's sign-in under https", () => {
  it.each(["__Secure-authjs.session-token", "authjs.session-token"])("a planted %s signs nobody in: the browser is sent to sign in", async (name) => {
    expect(await appSignIn(await sessionCookie(name))).toMatch(/^\/login\?callbackUrl=%2Foidc%2Finteraction%2F/);
  });

  it("the __Host- session cookie signs the person in to the app", async () => {
    const location = await appSignIn(await sessionCookie("__Host-authjs.session-token"));
    // Straight back to the app with a code: the person was signed in, with no sign-in page in between.
    expect(location.startsWith(`${REDIRECT}?code=`)).toBe(true);
  });
});
