/**
 * What relying parties in the wild send to Latchkey's OpenID provider, answered as they expect: silent
 * renewal (prompt=none) from a signed-in browser, auth_time when they ask max_age, a fresh sign-in when
 * they ask prompt=login or a max_age the session is older than, the sign-in page prefilled from login_hint, a device code typed loosely and denied,
 * a device polling too fast, a single-page app calling from its own origin. The whole flow runs through oidcRequestHandler on a loopback server whose
 * address is the issuer, with openid-client as the app and fetch with a cookie jar as the browser.
 */
import http from "node:http";
import type { AsyncLocalStorage } from "node:async_hooks";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { toApiApplication } from "@/lib/applications/api-shape";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { APPLICATION_SIGN_IN } from "@/lib/applications/queries";
import { listEvents } from "@/lib/audit/events";
import { eventFiltersSchema } from "@/lib/audit/event-filters";
import { createGroup } from "@/lib/groups/groups";
import { setUserGroups } from "@/lib/groups/membership";
import { groupInputSchema } from "@/lib/groups/schemas";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { writeSystem } from "@/lib/data/unit-of-work";
import { sessions, users } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { createUser, META, startSession } from "@/test/factories";
import { questionAnswer } from "@/test/question-page";
import { resolveSession, sessionSignedInAt } from "@/lib/sessions/sessions";
import { oidcRequestHandler } from "./app-sign-in-http";
import { SESSION_COOKIE } from "./auth-cookies";
import { endReplacedSession } from "./browser-session";
import { signInWithPassword, SignInFailed } from "./password-sign-in";
import { confirmSignInFor } from "./reauthentication";
import { encodeSessionToken } from "./session-token";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { grantedScopes, withdrawAppAccess } from "@/lib/oidc/grants";
import { currentProvider } from "@/lib/oidc/provider";

const REDIRECT = "http://127.0.0.1:9/callback";
let server: http.Server;
let base: string;
let owner: { id: string; accountId: string };
let rp: oidc.Configuration;
let restricted: oidc.Configuration;
let groupId: string;
let cli: oidc.Configuration;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (!oidcRequestHandler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (config() as { publicUrl: string | null }).publicUrl = base;
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  owner = { id: setup.user_id, accountId: setup.account_id };
  const input = createApplicationSchema.parse({ name: "NetBird dashboard", type: "spa", redirect_uris: [REDIRECT] });
  const { application } = await createApplication(await startSession(owner), input, META);
  rp = await relyingParty(application.clientId);
  groupId = (await createGroup(await startSession(owner), groupInputSchema.parse({ name: "VPN users" }), META)).id;
  const limited = createApplicationSchema.parse({ name: "Proxmox", type: "spa", redirect_uris: [REDIRECT], access: "groups", allowed_groups: [groupId] });
  const device = createApplicationSchema.parse({ name: "NetBird client", type: "device" });
  cli = await relyingParty((await createApplication(await startSession(owner), device, META)).application.clientId);
  restricted = await relyingParty((await createApplication(await startSession(owner), limited, META)).application.clientId);
});

afterAll(async () => {
  (config() as { publicUrl: string | null }).publicUrl = null;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const relyingParty = (clientId: string) => oidc.discovery(new URL(base), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });

/** The session cookie of session `sessionId` of user `userId`, as Auth.js sets it. */
async function sessionCookie(sessionId: string, userId: string): Promise<string> {
  const token = await encodeSessionToken({ token: { sid: sessionId, sub: userId }, secret: sessionSecret(), salt: SESSION_COOKIE, maxAge: 3600 });
  return `${SESSION_COOKIE}=${token}`;
}

/** A browser holding a fresh Latchkey session of the owner (begun at `signedInAt`), and its session id. */
async function signedInBrowser(signedInAt?: Date): Promise<{ jar: string[]; sessionId: string }> {
  const { sessionId } = await startSession(owner, signedInAt);
  return { jar: [await sessionCookie(sessionId, owner.id)], sessionId };
}

/**
 * What the confirm page's sign-in does for the browser: Auth.js signs in with the password (a new session),
 * ends the browser's previous session and sets the new cookie. The new session's id.
 */
async function signInAgain(jar: string[], identifier: string, password: string): Promise<string> {
  const signedIn = await signInWithPassword(identifier, password, META);
  await endReplacedSession(new Headers({ cookie: jar.join("; ") }), signedIn.sessionId);
  jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${SESSION_COOKIE}=`)), await sessionCookie(signedIn.sessionId, signedIn.userId));
  return signedIn.sessionId;
}

/** What signing in as `person` in another tab does to this browser: its Latchkey session cookie is now theirs. */
async function otherTabSignsIn(jar: string[], person: { id: string; accountId: string }) {
  const { sessionId } = await startSession(person, new Date(Date.now() - 60_000));
  jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${SESSION_COOKIE}=`)), await sessionCookie(sessionId, person.id));
}

/** The activity log's sign-ins to the single-page app, newest first. */
async function signInEvents() {
  const filters = eventFiltersSchema.parse({ action: APPLICATION_SIGN_IN, limit: 100 });
  const clientId = rp.clientMetadata().client_id;
  return (await listEvents(await startSession(owner), filters)).events.filter((e) => (e.details as { client_id?: string }).client_id === clientId);
}

/** The cookies an answer sets, kept in the jar as a browser keeps them (a cleared one stays, empty: it is sent as nothing). */
function keepCookies(jar: string[], res: Response): void {
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(";", 1)[0];
    const name = pair.slice(0, pair.indexOf("="));
    jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${name}=`)), pair);
  }
}

/** The form a page submits by itself on load (oidc-provider's form_post pages): where it posts, and its hidden fields. */
function autoSubmittedForm(html: string): { action: string; fields: URLSearchParams } | null {
  if (!html.includes("document.forms[0].submit()")) return null;
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  if (!action) return null;
  const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]] as [string, string]));
  return { action, fields };
}

/** Latchkey's "You don't have access to {app}" page: where its "Back to the app" posts. */
function refusalForm(status: number, html: string): string | null {
  if (status !== 403 || !html.includes('name="choice" value="deny"')) return null;
  return /<form method="post" action="([^"]+)">/.exec(html)?.[1] ?? null;
}

/**
 * Follows the browser's redirects within Latchkey, keeping its cookies; returns where it was sent outside it.
 * A refusal page is answered with its only button, as the person would, and its text kept in `refusals`.
 */
async function browse(url: URL, jar: string[], refusals: string[] = [], refusalAnswer: "deny" | "switch" = "deny"): Promise<URL> {
  let next = url;
  for (let hop = 0; hop < 8; hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.join("; ") } });
    keepCookies(jar, res);
    const body = await res.text();
    const location = res.headers.get("location");
    const back = location ? null : refusalForm(res.status, body);
    if (back) {
      refusals.push(body.replace(/<style>[^]*<\/style>/, ""));
      const answer = await fetch(new URL(back, next), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: questionAnswer(body, refusalAnswer).body });
      keepCookies(jar, answer);
      const target = new URL(answer.headers.get("location") ?? "", next);
      if (target.origin !== base || target.pathname === "/login") return target;
      next = target;
      continue;
    }
    const posted = location ? null : autoSubmittedForm(body);
    if (posted) {
      // The provider's auto-submitted form (its logout of the provider session before another person's sign-in): as a browser submits it.
      const answer = await fetch(posted.action, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: posted.fields });
      keepCookies(jar, answer);
      next = new URL(answer.headers.get("location") ?? "", posted.action);
      continue;
    }
    if (!location) throw new Error(`no redirect: ${res.status} ${body.replace(/<style>[^]*<\/style>/, "").slice(0, 3000)}`);
    const target = new URL(location, next);
    if (target.origin !== base || target.pathname === "/login") return target;
    next = target;
  }
  throw new Error("too many redirects");
}

/**
 * An app's authorization request (code + PKCE, state, nonce) in the browser; the tokens when it came back with a
 * code (there, or at `back`: where the browser was sent after signing in on the way).
 */
async function authorize(jar: string[], extra: Record<string, string> = {}, app = rp, refusalAnswer: "deny" | "switch" = "deny") {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid profile", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "st4te", nonce: "n0nce", ...extra });
  const refusals: string[] = [];
  const landed = await browse(url, jar, refusals, refusalAnswer);
  const exchange = (back = landed) =>
    oidc.authorizationCodeGrant(app, back, { pkceCodeVerifier: verifier, expectedState: "st4te", expectedNonce: "n0nce", maxAge: extra.max_age ? Number(extra.max_age) : undefined });
  return { landed, exchange, refusals };
}

/**
 * An authorization request that stops on one of Latchkey's question pages (consent, "Sign in to …"), answered with
 * `choice` as the person would press it: the page's HTML, where the browser was sent then, and the code exchange.
 */
async function authorizeAnswering(jar: string[], app: oidc.Configuration, choice: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  let next = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid profile", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "st4te", nonce: "n0nce", ...extra });
  let page: Response | undefined;
  for (let hop = 0; hop < 8 && !page; hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.join("; ") } });
    keepCookies(jar, res);
    const location = res.headers.get("location");
    if (location) next = new URL(location, next);
    else page = res;
  }
  const html = await page!.text();
  const { action, body } = questionAnswer(html, choice);
  expect(action).toMatch(/\/consent$/);
  const answer = await fetch(new URL(action, next), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body });
  keepCookies(jar, answer);
  const back = new URL(answer.headers.get("location") ?? "", next);
  const landed = back.origin === base && back.pathname !== "/login" ? await browse(back, jar) : back;
  const exchange = (at = landed) => oidc.authorizationCodeGrant(app, at, { pkceCodeVerifier: verifier, expectedState: "st4te", expectedNonce: "n0nce" });
  return { html, landed, exchange };
}

describe("prompt=none (silent renewal)", () => {
  it("without a session: login_required to the redirect URI with the state, never a page", async () => {
    const { landed } = await authorize([], { prompt: "none" });
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
  });

  it("from a browser that signed in to the app and is still signed in to Latchkey: a code, nothing asked", async () => {
    const { jar } = await signedInBrowser();
    await (await authorize(jar)).exchange();
    const silent = await authorize(jar, { prompt: "none" });
    expect(silent.landed.searchParams.get("error")).toBeNull();
    const tokens = await silent.exchange();
    expect(tokens.claims()).toMatchObject({ sub: owner.id, nonce: "n0nce" });
  });

  it("a silent sign-in is recorded as a sign-in to the app, as the interactive one is", async () => {
    const { jar } = await signedInBrowser();
    await (await authorize(jar)).exchange();
    const before = await signInEvents();
    await (await authorize(jar, { prompt: "none" })).exchange();
    const after = await signInEvents();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ actor: { type: "user", id: owner.id }, details: { scopes: ["openid", "profile"], silent: true } });
  });

  it("after the Latchkey session ended: login_required, though the provider still remembers the browser", async () => {
    const { jar, sessionId } = await signedInBrowser();
    await (await authorize(jar)).exchange();
    await writeSystem(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.id, sessionId));
    });
    const { landed } = await authorize(jar, { prompt: "none" });
    expect(Object.fromEntries(landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
  });

  it("for a person who left the app's allowed groups since: login_required, no code", async () => {
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, [groupId]));
    const { jar } = await signedInBrowser();
    await (await authorize(jar, {}, restricted)).exchange();
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, []));
    const { landed } = await authorize(jar, { prompt: "none" }, restricted);
    expect(Object.fromEntries(landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
  });

  it("for scopes beyond its earlier sign-in, from an app that asks no consent: a code with them, nothing asked (as the interactive sign-in gives them)", async () => {
    const { jar } = await signedInBrowser();
    await (await authorize(jar)).exchange();
    const wider = await authorize(jar, { prompt: "none", scope: "openid profile email groups" });
    expect(Object.fromEntries(wider.landed.searchParams)).not.toHaveProperty("error");
    const tokens = await wider.exchange();
    expect(tokens.scope?.split(" ").sort()).toEqual(["email", "groups", "openid", "profile"]);
    expect(tokens.claims()).toMatchObject({ sub: owner.id, email: "owner@example.com" });
    expect((await signInEvents())[0]).toMatchObject({ details: { scopes: ["openid", "profile", "email", "groups"], silent: true } });
  });

  it("for scopes beyond those allowed, from an app that requires consent: consent_required, no code; nor is a first sign-in silent", async () => {
    const consenting = createApplicationSchema.parse({ name: "Wiki", type: "spa", redirect_uris: [REDIRECT], require_consent: true });
    const wiki = await relyingParty((await createApplication(await startSession(owner), consenting, META)).application.clientId);
    const { jar } = await signedInBrowser();
    // A browser that never signed in to an app through the provider: nothing silent.
    const first = await authorize(jar, { prompt: "none" }, wiki);
    expect(Object.fromEntries(first.landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
    const allowed = await authorizeAnswering(jar, wiki, "allow");
    await allowed.exchange();
    const wider = await authorize(jar, { prompt: "none", scope: "openid profile email" }, wiki);
    expect(Object.fromEntries(wider.landed.searchParams)).toMatchObject({ error: "consent_required", state: "st4te" });
    // And for an app that asks none, a first sign-in is never silent (though the browser signed in to another app):
    // it goes through the interaction, which records it.
    const { application } = await createApplication(await startSession(owner), createApplicationSchema.parse({ name: "Grafana", type: "spa", redirect_uris: [REDIRECT] }), META);
    const fresh = await authorize(jar, { prompt: "none" }, await relyingParty(application.clientId));
    expect(Object.fromEntries(fresh.landed.searchParams)).toMatchObject({ error: "consent_required", state: "st4te" });
  });

  it("for a person who must choose a new password first: login_required, as the interactive sign-in sends them to do that", async () => {
    const { jar } = await signedInBrowser();
    await (await authorize(jar)).exchange();
    await writeSystem(async (tx) => {
      await tx.update(users).set({ mustChangePassword: true }).where(eq(users.id, owner.id));
    });
    try {
      const { landed } = await authorize(jar, { prompt: "none" });
      expect(Object.fromEntries(landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
    } finally {
      await writeSystem(async (tx) => {
        await tx.update(users).set({ mustChangePassword: false }).where(eq(users.id, owner.id));
      });
    }
  });
});

describe("errors go back to the app with its state", () => {
  it("a person outside the app's allowed groups: Latchkey's page says why, its 'Back' sends access_denied with the state; a request object: request_not_supported with the state", async () => {
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, []));
    const { jar } = await signedInBrowser();
    const refused = await authorize(jar, {}, restricted);
    expect(refused.refusals).toHaveLength(1);
    expect(refused.refusals[0]).toContain("You don&#39;t have access to");
    expect(refused.refusals[0]).toContain("only members of the groups chosen for it may");
    expect(refused.refusals[0]).toContain("Back to Proxmox");
    // An app closed to everyone says so, not that a group would do.
    const closedInput = createApplicationSchema.parse({ name: "Closed", type: "spa", redirect_uris: [REDIRECT], access: "nobody" });
    const closed = await relyingParty((await createApplication(await startSession(owner), closedInput, META)).application.clientId);
    const shut = await authorize(jar, {}, closed);
    expect(shut.refusals[0]).toContain("No one may sign in to <strong>Closed</strong> at the moment");
    expect(Object.fromEntries(shut.landed.searchParams)).toMatchObject({ error: "access_denied", state: "st4te" });
    expect(Object.fromEntries(refused.landed.searchParams)).toMatchObject({ error: "access_denied", state: "st4te" });
    const unsupported = await authorize(jar, { request: "eyJhbGciOiJub25lIn0.e30." });
    expect(Object.fromEntries(unsupported.landed.searchParams)).toMatchObject({ error: "request_not_supported", state: "st4te" });
  });

  it("a command-line app asking on another loopback port (RFC 8252 §7.3): 'Back to the app' sends access_denied to that port, as a code would go", async () => {
    const { jar } = await signedInBrowser();
    const closedInput = createApplicationSchema.parse({ name: "Closed CLI", type: "spa", redirect_uris: [REDIRECT], access: "nobody" });
    const closed = await relyingParty((await createApplication(await startSession(owner), closedInput, META)).application.clientId);
    const refused = await authorize(jar, { redirect_uri: "http://127.0.0.1:47001/callback" }, closed);
    expect(refused.refusals).toHaveLength(1);
    expect(`${refused.landed.origin}${refused.landed.pathname}`).toBe("http://127.0.0.1:47001/callback");
    expect(Object.fromEntries(refused.landed.searchParams)).toMatchObject({ error: "access_denied", state: "st4te" });
  });
});

describe("max_age and auth_time", () => {
  it("auth_time is when the person signed in to Latchkey, not when the app asked; a max_age the session is within asks nothing", async () => {
    const signedInAt = new Date(Date.now() - 20 * 60 * 1000);
    const { jar } = await signedInBrowser(signedInAt);
    const { landed, exchange } = await authorize(jar, { max_age: "3600" });
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    const claims = (await exchange()).claims()!;
    expect(claims.auth_time).toBe(Math.floor(signedInAt.getTime() / 1000));
  });
});

describe("a fresh sign-in (prompt=login, max_age older than the session)", () => {
  const PASSWORD = "a long and unusual passphrase";
  const TWENTY_MINUTES_AGO = () => new Date(Date.now() - 20 * 60 * 1000);

  /** The sign-in page the app's request was sent to, asking to confirm; the interaction it returns to. */
  function confirmPage(landed: URL): URL {
    expect(landed.pathname).toBe("/login");
    const callbackUrl = landed.searchParams.get("callbackUrl") ?? "";
    expect(callbackUrl).toMatch(/^\/oidc\/interaction\//);
    return new URL(callbackUrl, base);
  }

  it("prompt=login: the sign-in page asks the signed-in person to confirm; after a new sign-in the app gets a code with its auth_time", async () => {
    const { jar, sessionId } = await signedInBrowser(TWENTY_MINUTES_AGO());
    const { landed, exchange } = await authorize(jar, { prompt: "login" });
    const interaction = confirmPage(landed);
    // The page's question: which app asks, for whom.
    const actor = (await resolveSession(sessionId))!;
    expect(await confirmSignInFor(actor, interaction.pathname)).toMatchObject({
      appName: "NetBird dashboard",
      person: { name: "Olive Owner", identifier: "owner@example.com" },
      methods: { form: true, providerIds: [] },
    });
    const before = await signInEvents();
    const fresh = await signInAgain(jar, "owner@example.com", PASSWORD);
    // The re-authentication is a new session; the old one ended with it.
    expect(await resolveSession(sessionId)).toBeNull();
    const back = await browse(interaction, jar);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    const claims = (await exchange(back)).claims()!;
    expect(claims.sub).toBe(owner.id);
    expect(claims.auth_time).toBe(Math.floor((await sessionSignedInAt(owner.accountId, fresh))!.getTime() / 1000));
    expect(claims.auth_time).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
    expect(await signInEvents()).toHaveLength(before.length + 1);
  });

  it("max_age the session is older than: a new sign-in first, and openid-client accepts the ID token's auth_time", async () => {
    const { jar, sessionId } = await signedInBrowser(TWENTY_MINUTES_AGO());
    const { landed, exchange } = await authorize(jar, { max_age: "60" });
    const interaction = confirmPage(landed);
    expect(await confirmSignInFor((await resolveSession(sessionId))!, interaction.pathname)).toMatchObject({ appName: "NetBird dashboard" });
    await signInAgain(jar, "owner", PASSWORD);
    const back = await browse(interaction, jar);
    // authorizationCodeGrant checks auth_time + max_age against now (it refused the old auth_time).
    const claims = (await exchange(back)).claims()!;
    expect(claims.sub).toBe(owner.id);
    expect(Number(claims.auth_time)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 60);
  });

  it("a session begun before the request, however recently, doesn't count for prompt=login", async () => {
    const { jar, sessionId } = await signedInBrowser(new Date(Date.now() - 5_000));
    const { landed } = await authorize(jar, { prompt: "login" });
    confirmPage(landed);
    expect(await resolveSession(sessionId)).not.toBeNull();
  });

  it("a wrong password on the confirm page is refused as any wrong password, and the app gets no code: it is asked again", async () => {
    const { jar, sessionId } = await signedInBrowser(TWENTY_MINUTES_AGO());
    const { landed } = await authorize(jar, { prompt: "login" });
    const interaction = confirmPage(landed);
    await expect(signInAgain(jar, "owner@example.com", "not the passphrase")).rejects.toBeInstanceOf(SignInFailed);
    const again = await browse(interaction, jar);
    expect(again.pathname).toBe("/login");
    expect(again.searchParams.get("callbackUrl")).toBe(interaction.pathname);
    expect(again.searchParams.has("code")).toBe(false);
    // The session the browser held is untouched: still asked to confirm.
    expect(await confirmSignInFor((await resolveSession(sessionId))!, interaction.pathname)).not.toBeNull();
  });

  it("signing in again as someone else: the app gets that person, nothing of the one signed in before", async () => {
    const mia = await createUser(owner.accountId, { email: "mia.reauth@example.com", name: "Mia Meyer", password: "another long passphrase here" });
    const { jar } = await signedInBrowser(TWENTY_MINUTES_AGO());
    await (await authorize(jar)).exchange();
    const { landed, exchange } = await authorize(jar, { prompt: "login" });
    const interaction = confirmPage(landed);
    await signInAgain(jar, "mia.reauth@example.com", "another long passphrase here");
    const back = await browse(interaction, jar);
    const tokens = await exchange(back);
    expect(tokens.claims()).toMatchObject({ sub: mia.id, name: "Mia Meyer" });
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, mia.id)).toMatchObject({ sub: mia.id, name: "Mia Meyer" });
    // A silent renewal afterwards is Mia's too.
    const silent = await authorize(jar, { prompt: "none" });
    expect((await silent.exchange()).claims()?.sub).toBe(mia.id);
  });

  it("'Use another account' on the refusal page: the Latchkey session ends, and the app's sign-in goes on for whoever signs in next", async () => {
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, []));
    const vera = await createUser(owner.accountId, { email: "vera.vpn@example.com", name: "Vera Voss", password: "vera's own long passphrase" });
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, vera.id, [groupId]));
    const { jar, sessionId } = await signedInBrowser();
    const { landed, refusals, exchange } = await authorize(jar, {}, restricted, "switch");
    // The page names who is signed in, so the wrong account is seen for what it is.
    expect(refusals[0]).toContain("signed in to Latchkey as <strong>Olive Owner (owner@example.com)</strong>");
    expect(refusals[0]).toContain('name="choice" value="switch"');
    // Signed out (the row and the cookie), then the sign-in page on its way back to the same interaction.
    expect(landed.searchParams.get("signed_out")).toBe("1");
    const interaction = confirmPage(landed);
    expect(await resolveSession(sessionId)).toBeNull();
    expect(jar).toContain(`${SESSION_COOKIE}=`);
    await signInAgain(jar, "vera.vpn@example.com", "vera's own long passphrase");
    const back = await browse(interaction, jar);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect((await exchange(back)).claims()).toMatchObject({ sub: vera.id, name: "Vera Voss" });
  });

  it("'Use another account' posted without the interaction's cookie (another site's form) signs nobody out", async () => {
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, []));
    const { jar, sessionId } = await signedInBrowser();
    const url = oidc.buildAuthorizationUrl(restricted, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: "S256" });
    const started = await fetch(url, { redirect: "manual", headers: { cookie: jar.join("; ") } });
    const interaction = new URL(started.headers.get("location")!, base);
    expect(interaction.pathname).toMatch(/^\/oidc\/interaction\//);
    // The session cookie alone, as a cross-site POST might carry it: the interaction's own (SameSite) cookie is missing.
    const forged = await fetch(`${interaction}/consent`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: "choice=switch" });
    expect(forged.status).toBe(400);
    expect(forged.headers.getSetCookie()).toEqual([]);
    expect(await resolveSession(sessionId)).not.toBeNull();
  });

  it("prompt=none with a max_age the session is older than: login_required, never a silent code; within it, a code", async () => {
    const { jar } = await signedInBrowser(TWENTY_MINUTES_AGO());
    await (await authorize(jar)).exchange();
    const { landed } = await authorize(jar, { prompt: "none", max_age: "60" });
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
    const within = await authorize(jar, { prompt: "none", max_age: "3600" });
    expect(within.landed.searchParams.get("error")).toBeNull();
    expect((await within.exchange()).claims()?.sub).toBe(owner.id);
  });
});

describe("a question page answered after someone else signed in in another tab", () => {
  /** The authorization request up to its first question page: the page's HTML and where it was served. */
  async function questionPage(jar: string[], app: oidc.Configuration, extra: Record<string, string>) {
    const verifier = oidc.randomPKCECodeVerifier();
    let next = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid profile", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", ...extra });
    for (let hop = 0; hop < 8; hop += 1) {
      const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.join("; ") } });
      keepCookies(jar, res);
      const location = res.headers.get("location");
      if (!location) return { html: await res.text(), at: next, verifier };
      next = new URL(location, next);
    }
    throw new Error("too many redirects");
  }
  /** Presses `choice` on `html`'s form: the answer's status, body and where it sent the browser. */
  async function press(jar: string[], html: string, at: URL, choice: string) {
    const { action, body } = questionAnswer(html, choice);
    const res = await fetch(new URL(action, at), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body });
    keepCookies(jar, res);
    return { status: res.status, html: await res.text(), location: res.headers.get("location") };
  }

  it("'Continue' shown to the owner, pressed after Sam signed in: Sam is asked, no code; Sam's own Continue signs Sam in", async () => {
    const sam = await createUser(owner.accountId, { email: "sam.tab@example.com", name: "Sam Tab", password: "sam's own long passphrase" });
    const { jar } = await signedInBrowser(new Date(Date.now() - 60_000));
    const asked = await questionPage(jar, rp, { prompt: "select_account" });
    expect(asked.html).toContain("as <strong>Olive Owner (owner@example.com)</strong>");
    await otherTabSignsIn(jar, sam);
    const pressed = await press(jar, asked.html, asked.at, "continue");
    expect(pressed.location).toBeNull();
    expect(pressed.html).toContain("<h1>Sign in to NetBird dashboard</h1>");
    expect(pressed.html).toContain("as <strong>Sam Tab (sam.tab@example.com)</strong>");
    const again = await press(jar, pressed.html, asked.at, "continue");
    const sent = new URL(again.location ?? "", base);
    const landed = sent.origin === base ? await browse(sent, jar) : sent;
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: asked.verifier });
    expect(tokens.claims()).toMatchObject({ sub: sam.id });
  });

  it("'Allow' on the consent page shown to the owner, pressed after Sam signed in: nothing granted to Sam, Sam is asked; the page names who answers", async () => {
    const sam = await createUser(owner.accountId, { email: "sam.consent@example.com", name: "Sam Consent", password: "sam's own long passphrase" });
    const { application } = await createApplication(await startSession(owner), createApplicationSchema.parse({ name: "Notes", type: "spa", redirect_uris: [REDIRECT], require_consent: true }), META);
    const notes = await relyingParty(application.clientId);
    const { jar } = await signedInBrowser();
    const asked = await questionPage(jar, notes, {});
    expect(asked.html).toContain("<h1>Allow Notes?</h1>");
    expect(asked.html).toContain("as <strong>Olive Owner (owner@example.com)</strong>");
    await otherTabSignsIn(jar, sam);
    const pressed = await press(jar, asked.html, asked.at, "allow");
    expect(pressed.location).toBeNull();
    expect(pressed.html).toContain("as <strong>Sam Consent (sam.consent@example.com)</strong>");
    expect(await grantedScopes(owner.accountId, sam.id, application.clientId)).toEqual(new Set());
    // "Deny" from the owner's page doesn't answer for Sam either.
    const denied = await press(jar, asked.html, asked.at, "deny");
    expect(denied.location).toBeNull();
    expect(denied.html).toContain("as <strong>Sam Consent (sam.consent@example.com)</strong>");
  });
});

describe("prompt=select_account", () => {
  // A session begun in the request's own second counts as the choice made on the way (accountChoiceDue).
  const A_MINUTE_AGO = () => new Date(Date.now() - 60_000);

  it("asks who is signed in to continue, naming them; Continue gives the app that person, nothing asked again", async () => {
    const { jar } = await signedInBrowser(A_MINUTE_AGO());
    const { html, landed, exchange } = await authorizeAnswering(jar, rp, "continue", { prompt: "select_account" });
    expect(html).toContain("<h1>Sign in to NetBird dashboard</h1>");
    expect(html).toContain("signed in to Latchkey as <strong>Olive Owner (owner@example.com)</strong>");
    expect(html).toContain('name="choice" value="switch"');
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect((await exchange()).claims()).toMatchObject({ sub: owner.id });
  });

  it("'Use another account': the Latchkey session ends, and whoever signs in next is the app's answer, not asked again", async () => {
    const sam = await createUser(owner.accountId, { email: "sam.second@example.com", name: "Sam Second", password: "sam's own long passphrase" });
    const { jar, sessionId } = await signedInBrowser(A_MINUTE_AGO());
    const { landed, exchange } = await authorizeAnswering(jar, rp, "switch", { prompt: "select_account" });
    expect(landed.pathname).toBe("/login");
    expect(landed.searchParams.get("signed_out")).toBe("1");
    expect(await resolveSession(sessionId)).toBeNull();
    await signInAgain(jar, "sam.second@example.com", "sam's own long passphrase");
    const interaction = new URL(landed.searchParams.get("callbackUrl") ?? "", base);
    expect(interaction.pathname).toMatch(/^\/oidc\/interaction\//);
    const back = await browse(interaction, jar);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect((await exchange(back)).claims()).toMatchObject({ sub: sam.id });
  });

  it("without a session: the sign-in page (which is the choice); with prompt=none: refused", async () => {
    const { landed } = await authorize([], { prompt: "select_account" });
    expect(landed.pathname).toBe("/login");
    const silent = await authorize([], { prompt: "none select_account" });
    expect(Object.fromEntries(silent.landed.searchParams)).toMatchObject({ error: "invalid_request", state: "st4te" });
  });
});

describe("login_hint", () => {
  it("fills in the sign-in page's identifier, with or without a session cookie; it signs nobody in", async () => {
    const { landed } = await authorize([], { login_hint: "mia@example.com" });
    expect(landed.pathname).toBe("/login");
    expect(landed.searchParams.get("email")).toBe("mia@example.com");
    expect(landed.searchParams.get("callbackUrl")).toMatch(/^\/oidc\/interaction\//);
    // A session cookie that is no session goes through the interaction, which sends the browser on with the hint too.
    const ended = await signedInBrowser();
    await writeSystem(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.id, ended.sessionId));
    });
    const { landed: again } = await authorize(ended.jar, { login_hint: "mia@example.com" });
    expect(again.searchParams.get("email")).toBe("mia@example.com");
  });

  it("a signed-in person is signed in as themselves whatever the hint names", async () => {
    const { jar } = await signedInBrowser();
    const { exchange } = await authorize(jar, { login_hint: "someone-else@example.com" });
    expect((await exchange()).claims()?.sub).toBe(owner.id);
  });

  it("a hint that isn't one line of text is left out", async () => {
    for (const hint of ["a\nb@example.com", "x".repeat(400)]) {
      const { landed } = await authorize([], { login_hint: hint });
      expect(landed.pathname).toBe("/login");
      expect(landed.searchParams.has("email")).toBe(false);
    }
  });
});

describe("device flow", () => {
  /** Posts the /device page's form (with the xsrf value the page before it carried); the page it answers with. */
  async function postDevice(jar: string[], previous: string, fields: Record<string, string>, peer?: string): Promise<string> {
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(previous)?.[1] ?? "";
    const headers: Record<string, string> = { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded", ...(peer ? { [PEER_HEADER]: peer } : {}) };
    const res = await fetch(`${base}/device`, { method: "POST", headers, body: new URLSearchParams({ xsrf, ...fields }) });
    return res.text();
  }

  /** One poll of the token endpoint for the CLI's device code (openid-client's own polling waits out authorization_pending). */
  async function pollOnce(deviceCode: string): Promise<{ status: number; error: string }> {
    const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: deviceCode, client_id: cli.clientMetadata().client_id });
    const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    return { status: res.status, error: ((await res.json()) as { error: string }).error };
  }

  it("the confirmation says where the device asked from, and warns when that is another network than the browser's (review 14)", async () => {
    // The device asks from 203.0.113.7 (as scripts/server.mjs names a connection's peer).
    const body = new URLSearchParams({ client_id: cli.clientMetadata().client_id, scope: "openid" });
    const asked = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", [PEER_HEADER]: "203.0.113.7" }, body });
    const { user_code: code } = (await asked.json()) as { user_code: string };
    const confirmFrom = async (peer: string) => {
      const { jar } = await signedInBrowser();
      const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; "), [PEER_HEADER]: peer } });
      jar.push(...input.headers.getSetCookie().map((c) => c.split(";", 1)[0]));
      return postDevice(jar, await input.text(), { user_code: code }, peer);
    };
    // Someone sent the person the code: their browser is elsewhere.
    const elsewhere = await confirmFrom("198.51.100.2");
    expect(elsewhere).toContain("The device asked from <strong>203.0.113.7</strong>, less than a minute ago.");
    expect(elsewhere).toContain('<p role="alert">This browser is on another network than the device.');
    // The person's own device, on the same network as the browser: no warning.
    const here = await confirmFrom("203.0.113.7");
    expect(here).toContain("The device asked from <strong>203.0.113.7</strong>");
    expect(here).not.toContain('role="alert"');
  });

  it("a device and a browser both on this machine's loopback are one network, over IPv4 and IPv6 alike (r45)", async () => {
    // A CLI tried against a local Latchkey asks from 127.0.0.1 (Node's fetch of localhost), while the browser on the
    // same machine opens http://localhost/device over ::1: the warning told the person their own laptop was elsewhere.
    const body = new URLSearchParams({ client_id: cli.clientMetadata().client_id, scope: "openid" });
    const asked = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", [PEER_HEADER]: "127.0.0.1" }, body });
    const { user_code: code } = (await asked.json()) as { user_code: string };
    const { jar } = await signedInBrowser();
    const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; "), [PEER_HEADER]: "::1" } });
    jar.push(...input.headers.getSetCookie().map((c) => c.split(";", 1)[0]));
    const confirm = await postDevice(jar, await input.text(), { user_code: code }, "::1");
    expect(confirm).toContain("The device asked from <strong>127.0.0.1</strong>");
    expect(confirm).not.toContain('role="alert"');
  });

  it("without a Latchkey session the confirmation names nobody (the sign-in comes after Approve)", async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
    const jar: string[] = [];
    const input = await fetch(`${base}/device`);
    keepCookies(jar, input);
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code });
    expect(confirm).toContain(`<p class="code">${started.user_code}</p>`);
    expect(confirm).not.toContain("signed in to Latchkey as");
  });

  it("Approve on a page shown to the owner, pressed after Sam signed in in another tab: nothing approved, Sam is named; shown again, Sam's Approve connects Sam", async () => {
    const sam = await createUser(owner.accountId, { email: "sam.device@example.com", name: "Sam Device", password: "sam's own long passphrase" });
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
    const { jar } = await signedInBrowser();
    const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
    keepCookies(jar, input);
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code });
    expect(confirm).toContain("signed in to Latchkey as <strong>Olive Owner (owner@example.com)</strong>");
    /** Presses Approve on `page` as a browser does: the button's formaction, the provider form's fields, confirm. */
    const approve = async (page: string) => {
      const action = /formaction="([^"]+)"/.exec(page)![1].replace(/&amp;/g, "&");
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)![1];
      let res = await fetch(new URL(action, base), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: started.user_code, confirm: "yes" }) });
      for (let hop = 0; hop < 6 && res.headers.get("location"); hop += 1) {
        keepCookies(jar, res);
        res = await fetch(new URL(res.headers.get("location")!, base), { redirect: "manual", headers: { cookie: jar.join("; ") } });
      }
      keepCookies(jar, res);
      return { status: res.status, html: await res.text() };
    };
    await otherTabSignsIn(jar, sam);
    const pressed = await approve(confirm);
    expect(pressed.status).toBe(409);
    expect(pressed.html).toContain("<h1>Check who is signed in</h1>");
    expect(pressed.html).toContain("as <strong>Sam Device (sam.device@example.com)</strong>");
    // "Show the request again": the provider's own form for the code (it submits itself), then the confirmation for Sam.
    const again = /<a class="button" href="([^"]+)"/.exec(pressed.html)![1].replace(/&amp;/g, "&");
    const shown = await fetch(new URL(again, base), { headers: { cookie: jar.join("; ") } });
    keepCookies(jar, shown);
    const form = autoSubmittedForm(await shown.text())!;
    const reconfirm = await (await fetch(new URL(form.action, base), { method: "POST", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: form.fields })).text();
    expect(reconfirm).toContain("signed in to Latchkey as <strong>Sam Device (sam.device@example.com)</strong>");
    expect((await approve(reconfirm)).html).toContain("<h1>Device connected</h1>");
    expect((await oidc.pollDeviceAuthorizationGrant(cli, { ...started, interval: 0 })).claims()?.sub).toBe(sam.id);
  });

  it("Approve on a page shown to nobody (no Latchkey session yet), pressed after someone signed in in another tab: nothing approved, they are named", async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
    const jar: string[] = [];
    const input = await fetch(`${base}/device`);
    keepCookies(jar, input);
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code });
    const action = /formaction="([^"]+)"/.exec(confirm)![1].replace(/&amp;/g, "&");
    expect(new URL(action, base).searchParams.get("shown_to")).toBe("");
    await otherTabSignsIn(jar, owner);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm)![1];
    const res = await fetch(new URL(action, base), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: started.user_code, confirm: "yes" }) });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("as <strong>Olive Owner (owner@example.com)</strong>");
    expect(await pollOnce(started.device_code)).toEqual({ status: 400, error: "authorization_pending" });
  });

  it("a code typed in lower case without its dash finds the device; Deny says so (not 'invalid code') and the device gets access_denied", async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
    const { jar } = await signedInBrowser();
    const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
    jar.push(...input.headers.getSetCookie().map((c) => c.split(";", 1)[0]));
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code.toLowerCase().replace("-", "") });
    expect(confirm).toContain(`<p class="code">${started.user_code}</p>`);
    // Who Approve connects the device as.
    expect(confirm).toContain("signed in to Latchkey as <strong>Olive Owner (owner@example.com)</strong>");
    const denied = await postDevice(jar, confirm, { user_code: started.user_code, confirm: "yes", abort: "yes" });
    expect(denied).toContain("<h1>Device not connected</h1>");
    expect(denied).not.toContain('role="alert"');
    await expect(oidc.pollDeviceAuthorizationGrant(cli, { ...started, interval: 0 })).rejects.toMatchObject({ error: "access_denied" });
  });

  it("review 42: Approve without the page's xsrf value, or after the person was blocked with the page open, connects no device", async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
    const { jar } = await signedInBrowser();
    const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
    keepCookies(jar, input);
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code });
    expect(confirm).toContain(`<p class="code">${started.user_code}</p>`);
    // Another site's form: the browser's cookies (were they sent) but no xsrf value of the page, or a made-up one.
    for (const xsrf of ["", "made-up"]) {
      const forged = await fetch(`${base}/device`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: started.user_code, confirm: "yes" }) });
      expect(forged.headers.get("location"), xsrf).toBeNull();
      await forged.text();
    }
    // One poll as the device makes it (openid-client's own poll waits for as long as the answer is pending).
    const pollOnce = async () => {
      const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: started.device_code, client_id: cli.clientMetadata().client_id });
      return (await (await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body })).json()) as { error?: string; access_token?: string };
    };
    expect(await pollOnce()).toMatchObject({ error: "authorization_pending" });
    // Blocked while the confirmation was open: Approve leads to no token.
    await writeSystem(async (tx) => {
      await tx.update(users).set({ isBlocked: true }).where(eq(users.id, owner.id));
    });
    try {
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm)?.[1] ?? "";
      let res = await fetch(`${base}/device`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: started.user_code, confirm: "yes" }) });
      for (let hop = 0; hop < 6 && res.headers.get("location"); hop += 1) {
        keepCookies(jar, res);
        const next = new URL(res.headers.get("location")!, base);
        if (next.pathname === "/login") break;
        res = await fetch(next, { redirect: "manual", headers: { cookie: jar.join("; ") } });
      }
      await res.text();
      await new Promise((resolve) => setTimeout(resolve, 5100)); // past slow_down's interval
      const poll = await pollOnce();
      expect(poll.access_token).toBeUndefined();
      expect(poll.error).toMatch(/^(authorization_pending|access_denied)$/);
    } finally {
      await writeSystem(async (tx) => {
        await tx.update(users).set({ isBlocked: false }).where(eq(users.id, owner.id));
      });
    }
  });

  it("a person outside a device app's allowed groups who approves its code is told so; 'Back' tells the device access_denied", async () => {
    const limitedCli = createApplicationSchema.parse({ name: "Restricted CLI", type: "device", access: "groups", allowed_groups: [groupId] });
    const device = await relyingParty((await createApplication(await startSession(owner), limitedCli, META)).application.clientId);
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, []));
    const started = await oidc.initiateDeviceAuthorization(device, { scope: "openid" });
    const { jar } = await signedInBrowser();
    const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
    keepCookies(jar, input);
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code });
    // Approving: the provider's redirects to the interaction, as a browser follows them with its cookies.
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm)?.[1] ?? "";
    let res = await fetch(`${base}/device`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: started.user_code, confirm: "yes" }) });
    for (let hop = 0; hop < 6 && res.headers.get("location"); hop += 1) {
      keepCookies(jar, res);
      res = await fetch(new URL(res.headers.get("location")!, base), { redirect: "manual", headers: { cookie: jar.join("; ") } });
    }
    keepCookies(jar, res);
    const page = await res.text();
    expect(res.status).toBe(403);
    expect(page).toContain("You don&#39;t have access to Restricted CLI");
    expect(page).toContain("Cancel the device&#39;s sign-in");
    expect(page).not.toContain("Back to Restricted CLI");
    const back = refusalForm(res.status, page)!;
    res = await fetch(new URL(back, base), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: questionAnswer(page, "deny").body });
    for (let hop = 0; hop < 6 && res.headers.get("location"); hop += 1) {
      keepCookies(jar, res);
      res = await fetch(new URL(res.headers.get("location")!, base), { redirect: "manual", headers: { cookie: jar.join("; ") } });
    }
    expect(await res.text()).toContain("<h1>Device not connected</h1>");
    await expect(oidc.pollDeviceAuthorizationGrant(device, { ...started, interval: 0 })).rejects.toMatchObject({ error: "access_denied" });
  });

  it("'Use another account' on a device app's refusal: signed out, and the device is connected for whoever signs in next", async () => {
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, owner.id, []));
    const member = await createUser(owner.accountId, { email: "dora.device@example.com", name: "Dora Device", password: "dora's own long passphrase" });
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, member.id, [groupId]));
    const limitedCli = createApplicationSchema.parse({ name: "Members' CLI", type: "device", access: "groups", allowed_groups: [groupId] });
    const device = await relyingParty((await createApplication(await startSession(owner), limitedCli, META)).application.clientId);
    const started = await oidc.initiateDeviceAuthorization(device, { scope: "openid" });
    const { jar, sessionId } = await signedInBrowser();
    const follow = async (res: Response) => {
      for (let hop = 0; hop < 6 && res.headers.get("location") && new URL(res.headers.get("location")!, base).pathname !== "/login"; hop += 1) {
        keepCookies(jar, res);
        res = await fetch(new URL(res.headers.get("location")!, base), { redirect: "manual", headers: { cookie: jar.join("; ") } });
      }
      keepCookies(jar, res);
      return res;
    };
    const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
    keepCookies(jar, input);
    const confirm = await postDevice(jar, await input.text(), { user_code: started.user_code });
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm)?.[1] ?? "";
    const refused = await follow(await fetch(`${base}/device`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: started.user_code, confirm: "yes" }) }));
    const page = await refused.text();
    expect(page).toContain("You don&#39;t have access to Members&#39; CLI");
    const action = refusalForm(refused.status, page)!;
    const switched = await follow(await fetch(new URL(action, base), { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: "choice=switch" }));
    const login = new URL(switched.headers.get("location")!, base);
    expect(login.pathname).toBe("/login");
    expect(await resolveSession(sessionId)).toBeNull();
    await signInAgain(jar, "dora.device@example.com", "dora's own long passphrase");
    const done = await follow(await fetch(new URL(login.searchParams.get("callbackUrl")!, base), { redirect: "manual", headers: { cookie: jar.join("; ") } }));
    expect(await done.text()).toContain("<h1>Device connected</h1>");
    const tokens = await oidc.pollDeviceAuthorizationGrant(device, { ...started, interval: 0 });
    expect(tokens.claims()?.sub).toBe(member.id);
  });

  it("the device authorization says how often to poll: every 5 seconds, the interval slow_down enforces", async () => {
    const body = new URLSearchParams({ client_id: cli.clientMetadata().client_id, scope: "openid" });
    const res = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ device_code: expect.any(String), interval: 5 });
  });

  it("a pending device polled again within 5 seconds gets slow_down; after the interval, authorization_pending again", async () => {
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
    const poll = () => pollOnce(started.device_code);
    expect(await poll()).toEqual({ status: 400, error: "authorization_pending" });
    expect(await poll()).toEqual({ status: 400, error: "slow_down" });
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    expect(await poll()).toEqual({ status: 400, error: "authorization_pending" });
  });

  describe("a CLI that names its app by HTTP Basic with an empty secret, as oidc-agent does (review 27)", () => {
    /** `Authorization: Basic base64(client_id ":")`, as curl makes it for oidc-agent's apps without a secret. */
    const emptySecret = (clientId: string) => `Basic ${Buffer.from(`${clientId}:`).toString("base64")}`;
    const post = async (path: string, clientId: string, fields: Record<string, string>) => {
      const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: emptySecret(clientId) }, body: new URLSearchParams(fields) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
    };
    /** A signed-in browser enters the code on /device and approves it. */
    async function approve(userCode: string): Promise<void> {
      const { jar } = await signedInBrowser();
      const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
      keepCookies(jar, input);
      const confirm = await postDevice(jar, await input.text(), { user_code: userCode });
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm)?.[1] ?? "";
      let res = await fetch(`${base}/device`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, user_code: userCode, confirm: "yes" }) });
      for (let hop = 0; hop < 6 && res.headers.get("location"); hop += 1) {
        keepCookies(jar, res);
        res = await fetch(new URL(res.headers.get("location")!, base), { redirect: "manual", headers: { cookie: jar.join("; ") } });
      }
      expect(await res.text()).toContain("<h1>Device connected</h1>");
    }

    it("its device authorization, device code poll (client_id only in the header), refresh and revocation are answered as for any device app", async () => {
      const clientId = cli.clientMetadata().client_id;
      // oidc-agent 4.2.6: client_id in the form and in the header of the device authorization …
      const started = await post("/oidc/device/auth", clientId, { client_id: clientId, scope: "openid offline_access" });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      await approve(started.body.user_code);
      // … only in the header of the poll.
      const tokens = await post("/oidc/token", clientId, { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: started.body.device_code });
      expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
      expect(tokens.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
      const refreshed = await post("/oidc/token", clientId, { grant_type: "refresh_token", refresh_token: tokens.body.refresh_token });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);
      const revoked = await post("/oidc/token/revocation", clientId, { token: refreshed.body.refresh_token, token_type_hint: "refresh_token" });
      expect(revoked.status).toBe(200);
      const afterRevocation = await post("/oidc/token", clientId, { grant_type: "refresh_token", refresh_token: refreshed.body.refresh_token });
      expect(afterRevocation).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    });

    it("reads at most the provider's own 56 KiB of such a request's form: a larger one is refused unread, as the provider refuses it", async () => {
      const clientId = cli.clientMetadata().client_id;
      const huge = await post("/oidc/device/auth", clientId, { client_id: clientId, scope: "openid", padding: "x".repeat(1024 * 1024) });
      expect(huge).toMatchObject({ status: 400, body: { error: "invalid_request", error_description: "failed to parse the request body" } });
    });

    it("an app registered with a secret is still refused without it, and a form naming another app is refused", async () => {
      const web = createApplicationSchema.parse({ name: "Wiki (empty Basic secret)", type: "web", redirect_uris: [REDIRECT] });
      const { application } = await createApplication(await startSession(owner), web, META);
      const refused = await post("/oidc/token", application.clientId, { grant_type: "refresh_token", refresh_token: "x".repeat(43) });
      expect(refused).toMatchObject({ status: 401, body: { error: "invalid_client" } });
      const mismatch = await post("/oidc/device/auth", cli.clientMetadata().client_id, { client_id: application.clientId, scope: "openid" });
      expect(mismatch).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    });
  });
});

describe("discovery", () => {
  it("lists only the claims ID tokens carry: no sid (no front- or back-channel logout is offered), and sid is in no ID token", async () => {
    const metadata = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(["sub", "auth_time", "iss", "name", "email", "groups", "roles"]));
    expect(metadata.claims_supported).not.toContain("sid");
    for (const key of ["frontchannel_logout_supported", "backchannel_logout_supported", "check_session_iframe"]) expect(metadata).not.toHaveProperty(key);
    const { jar } = await signedInBrowser();
    const claims = (await (await authorize(jar, { max_age: "3600" })).exchange()).claims()!;
    expect(claims).not.toHaveProperty("sid");
    // auth_time is issued (when the app asks max_age).
    expect(claims).toHaveProperty("auth_time");
  });
});

describe("PKCE", () => {
  it("the applications API's pkce_required is what the provider enforces, for each type of app", async () => {
    const inputs = {
      web: { name: "Grafana (PKCE check)", type: "web", redirect_uris: [REDIRECT] },
      spa: { name: "Dashboard (PKCE check)", type: "spa", redirect_uris: [REDIRECT] },
      device: { name: "CLI (PKCE check)", type: "device" },
    } as const;
    const seen: Record<string, { pkce_required: boolean; answer: string }> = {};
    for (const [type, input] of Object.entries(inputs)) {
      const { application } = await createApplication(await startSession(owner), createApplicationSchema.parse(input), META);
      // A code flow without code_challenge, from a browser without a session.
      const query = new URLSearchParams({ client_id: application.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", state: "st4te" });
      const res = await fetch(`${base}/oidc/auth?${query}`, { redirect: "manual" });
      const location = new URL(res.headers.get("location") ?? "/none", base);
      const answer =
        res.status !== 303 ? `no code flow (${res.status})` : location.searchParams.get("error_description") ?? (location.pathname === "/login" ? "sign in" : location.pathname);
      seen[type] = { pkce_required: toApiApplication(application).pkce_required, answer };
    }
    expect(seen).toEqual({
      web: { pkce_required: false, answer: "sign in" },
      spa: { pkce_required: true, answer: "Authorization Server policy requires PKCE to be used for this request" },
      device: { pkce_required: false, answer: "no code flow (400)" },
    });
  });
});

describe("CORS for a single-page app", () => {
  const allowedOrigin = (res: Response) => res.headers.get("access-control-allow-origin");

  it("its redirect URIs' origin may read the token and userinfo answers; another origin may not", async () => {
    const { jar } = await signedInBrowser();
    const tokens = await (await authorize(jar)).exchange();
    for (const origin of [new URL(REDIRECT).origin, "https://evil.example"]) {
      const userinfo = await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, origin } });
      const body = new URLSearchParams({ grant_type: "authorization_code", code: "spent", redirect_uri: REDIRECT, code_verifier: "v".repeat(43), client_id: rp.clientMetadata().client_id });
      const token = await fetch(`${base}/oidc/token`, { method: "POST", headers: { origin, "content-type": "application/x-www-form-urlencoded" }, body });
      const expected = origin === new URL(REDIRECT).origin ? origin : null;
      expect([allowedOrigin(userinfo), allowedOrigin(token)], origin).toEqual([expected, expected]);
    }
  });
});

describe("an attacker's reread of the silent scopes and select_account (review 33)", () => {
  const A_MINUTE_AGO = () => new Date(Date.now() - 60_000);
  const newApp = async (name: string, extra: Record<string, unknown> = {}) =>
    relyingParty((await createApplication(await startSession(owner), createApplicationSchema.parse({ name, type: "spa", redirect_uris: [REDIRECT], ...extra }), META)).application.clientId);

  it("a silent request can't add offline_access (it needs prompt=consent, which prompt=none excludes): no refresh token, and the grant keeps none", async () => {
    const app = await newApp("Silent offline");
    const { jar } = await signedInBrowser();
    await (await authorize(jar, {}, app)).exchange();
    const silent = await authorize(jar, { prompt: "none", scope: "openid profile offline_access email" }, app);
    expect(silent.landed.searchParams.get("error")).toBeNull();
    const tokens = await silent.exchange();
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope?.split(" ").sort()).toEqual(["email", "openid", "profile"]);
    // Nor does a later interactive sign-in without prompt=consent find offline_access granted.
    expect((await (await authorize(jar, { scope: "openid offline_access" }, app)).exchange()).refresh_token).toBeUndefined();
  });

  it("after the person's own Revoke access: a silent request for more scopes adds nothing to the revoked grant, consent_required", async () => {
    const app = await newApp("Silent revoked");
    const clientId = app.clientMetadata().client_id;
    const { jar, sessionId } = await signedInBrowser();
    await (await authorize(jar, {}, app)).exchange();
    await withdrawAppAccess({ ...(await startSession(owner)), sessionId }, clientId, META);
    const wider = await authorize(jar, { prompt: "none", scope: "openid profile email roles" }, app);
    expect(Object.fromEntries(wider.landed.searchParams)).toMatchObject({ error: "consent_required", state: "st4te" });
    expect(await grantedScopes(owner.accountId, owner.id, clientId)).toEqual(new Set());
  });

  /**
   * The owner's Revoke access of the app, run at the next grant save: between the request's read of the grant and its
   * write, outside that request's scope (its own unit of work, committed first). `ran` says it happened.
   */
  async function revokeAtNextGrantSave(clientId: string) {
    const proto = (await currentProvider())!.Grant.prototype as unknown as { save(this: unknown): Promise<string> };
    const save = proto.save;
    const storage = (globalThis as unknown as { latchkeyOidcRequestScope: AsyncLocalStorage<unknown> }).latchkeyOidcRequestScope;
    proto.save = async function revokedFirst(this: unknown) {
      proto.save = save;
      await storage.exit(async () => withdrawAppAccess(await startSession(owner), clientId, META));
      return save.call(this);
    };
    return { ran: () => proto.save === save, restore: () => void (proto.save = save) };
  }

  it("a silent request widening the grant at the moment the person revokes the app's access: no token from it survives the revocation", async () => {
    const app = await newApp("Silent race");
    const clientId = app.clientMetadata().client_id;
    const { jar } = await signedInBrowser();
    await (await authorize(jar, {}, app)).exchange();
    const revoking = await revokeAtNextGrantSave(clientId);
    try {
      const wider = await authorize(jar, { prompt: "none", scope: "openid profile email" }, app);
      expect(revoking.ran()).toBe(true);
      const code = wider.landed.searchParams.get("code");
      if (code) await expect(wider.exchange()).rejects.toMatchObject({ error: "invalid_grant" });
      expect(await grantedScopes(owner.accountId, owner.id, clientId)).toEqual(new Set());
    } finally {
      revoking.restore();
    }
  });

  it("an interactive sign-in finishing at the moment the person revokes the app's access: its code gives no tokens either", async () => {
    const app = await newApp("Interactive race");
    const clientId = app.clientMetadata().client_id;
    const { jar } = await signedInBrowser();
    await (await authorize(jar, {}, app)).exchange();
    const revoking = await revokeAtNextGrantSave(clientId);
    try {
      const again = await authorize(jar, { scope: "openid profile email" }, app);
      expect(revoking.ran()).toBe(true);
      if (again.landed.searchParams.get("code")) await expect(again.exchange()).rejects.toMatchObject({ error: "invalid_grant" });
      expect(await grantedScopes(owner.accountId, owner.id, clientId)).toEqual(new Set());
    } finally {
      revoking.restore();
    }
  });

  it("select_account's Continue posted by another site (no interaction cookie) gives no code; Continue after the person was blocked is refused", async () => {
    const { jar } = await signedInBrowser(A_MINUTE_AGO());
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: "openid", prompt: "select_account", code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: "S256" });
    const started = await fetch(url, { redirect: "manual", headers: { cookie: jar.join("; ") } });
    keepCookies(jar, started);
    const interaction = new URL(started.headers.get("location")!, base);
    const page = await fetch(interaction, { redirect: "manual", headers: { cookie: jar.join("; ") } });
    expect(await page.text()).toContain('value="continue"');
    const sessionOnly = jar.filter((c) => c.startsWith(`${SESSION_COOKIE}=`)).join("; ");
    const forged = await fetch(`${interaction}/consent`, { method: "POST", redirect: "manual", headers: { cookie: sessionOnly, "content-type": "application/x-www-form-urlencoded" }, body: "choice=continue" });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("location")).toBeNull();
    // The interaction's own cookie's attributes: SameSite=Lax, so a browser never sends it on another site's POST.
    expect(started.headers.getSetCookie().find((c) => c.startsWith("_interaction="))).toMatch(/samesite=lax/i);
    // Blocked while the page was open: Continue is refused, no code.
    await writeSystem(async (tx) => {
      await tx.update(users).set({ isBlocked: true }).where(eq(users.id, owner.id));
    });
    try {
      const answer = await fetch(`${interaction}/consent`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: `choice=continue&shown_to=${owner.id}` });
      expect(answer.headers.get("location") ?? "").not.toContain("code=");
    } finally {
      await writeSystem(async (tx) => {
        await tx.update(users).set({ isBlocked: false }).where(eq(users.id, owner.id));
      });
    }
  });

  it("select_account with an id_token_hint naming someone else: login_required, the page never shown; with prompt=login: the fresh sign-in is the choice", async () => {
    const { jar } = await signedInBrowser(A_MINUTE_AGO());
    const first = await (await authorize(jar)).exchange();
    const sam = await createUser(owner.accountId, { email: "sam.hinted@example.com", name: "Sam Hinted", password: "sam's hinted long passphrase" });
    const { jar: samJar } = { jar: [await sessionCookie((await startSession(sam, A_MINUTE_AGO())).sessionId, sam.id)] };
    const hinted = await authorize(samJar, { prompt: "select_account", id_token_hint: first.id_token! });
    expect(Object.fromEntries(hinted.landed.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
    const both = await authorize(jar, { prompt: "login select_account" });
    expect(both.landed.pathname).toBe("/login");
  });

  it("a token from a silently widened grant: introspection active with the scopes the code had; the refresh token keeps its own scope", async () => {
    const app = await newApp("Silent introspect");
    const { jar } = await signedInBrowser();
    const first = await (await authorize(jar, { scope: "openid profile offline_access", prompt: "consent" }, app)).exchange();
    expect(first.refresh_token).toBeTruthy();
    const wider = await (await authorize(jar, { prompt: "none", scope: "openid profile email" }, app)).exchange();
    const introspect = (token: string) =>
      fetch(`${base}/oidc/token/introspection`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token, client_id: app.clientMetadata().client_id }) }).then((r) => r.json());
    expect(await introspect(wider.access_token)).toMatchObject({ active: true, sub: owner.id });
    expect(((await introspect(wider.access_token)) as { scope: string }).scope.split(" ").sort()).toEqual(["email", "openid", "profile"]);
    // The earlier refresh token was issued for openid profile offline_access: a refresh asking email is refused.
    const refresh = await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: first.refresh_token!, client_id: app.clientMetadata().client_id, scope: "openid email" }),
    });
    expect(await refresh.json()).toMatchObject({ error: "invalid_scope" });
  });
});

describe("redirects and interactions an attacker makes up (review 42)", () => {
  const LOGOUT_BACK = "http://127.0.0.1:9/signed-out";
  let app: oidc.Configuration;
  beforeAll(async () => {
    const input = createApplicationSchema.parse({ name: "Redirect probe", type: "spa", redirect_uris: [REDIRECT], post_logout_redirect_uris: [LOGOUT_BACK] });
    app = await relyingParty((await createApplication(await startSession(owner), input, META)).application.clientId);
  });

  /** Every hop a signed-in browser is sent on, within Latchkey; the first outside it, if any. */
  async function hopsOf(url: URL, jar: string[]): Promise<{ outside?: URL; status: number }> {
    let next = url;
    for (let hop = 0; hop < 8; hop += 1) {
      const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.join("; ") } });
      keepCookies(jar, res);
      await res.text();
      const location = res.headers.get("location");
      if (!location) return { status: res.status };
      const target = new URL(location, next);
      if (target.origin !== base) return { outside: target, status: res.status };
      next = target;
    }
    throw new Error("too many redirects");
  }

  it("an authorization request with a redirect_uri the app didn't register, however close, sends the browser nowhere: the provider's error page", async () => {
    const { jar } = await signedInBrowser();
    const verifier = oidc.randomPKCECodeVerifier();
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    const variants = [
      "https://evil.example/callback",
      `${REDIRECT}/../evil`,
      `${REDIRECT}/`,
      `${REDIRECT}?next=https://evil.example`,
      "http://127.0.0.1:9/Callback",
      "http://127.0.0.1:9@evil.example/callback",
      "http://localhost:9/callback",
      "http://[::1]:9/callback",
      "//evil.example/callback",
    ];
    for (const redirectUri of variants) {
      const url = oidc.buildAuthorizationUrl(app, { redirect_uri: redirectUri, scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "s" });
      const { outside, status } = await hopsOf(url, jar);
      expect(outside?.href, redirectUri).toBeUndefined();
      expect(status, redirectUri).toBe(400);
    }
    // The registered one still works, so the refusals above are about the URI.
    const url = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "s" });
    expect((await hopsOf(url, jar)).outside?.href).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    // Another port of the registered loopback address is the same app on the person's machine (RFC 8252 §7.3, a
    // single-page / native app): the code goes to the port asked for, and nowhere else.
    const otherPort = oidc.buildAuthorizationUrl(app, { redirect_uri: "http://127.0.0.1:99/callback", scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "s" });
    expect((await hopsOf(otherPort, jar)).outside?.href).toMatch(/^http:\/\/127\.0\.0\.1:99\/callback\?code=/);
  });

  it("a sign-out request with a post_logout_redirect_uri the app didn't register sends the browser nowhere, even after the confirmation", async () => {
    const { jar } = await signedInBrowser();
    const clientId = app.clientMetadata().client_id;
    for (const back of ["https://evil.example/", `${LOGOUT_BACK}/../x`, `${LOGOUT_BACK}?x=https://evil.example`]) {
      const url = new URL(`${base}/oidc/session/end`);
      url.search = new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: back }).toString();
      const res = await fetch(url, { redirect: "manual", headers: { cookie: jar.join("; ") } });
      expect(res.headers.get("location"), back).toBeNull();
      expect(res.status, back).toBe(400);
      expect(await res.text(), back).not.toContain("evil.example");
    }
  });

  it("another browser's interaction id opens nothing: without that browser's interaction cookie, the page says the sign-in expired", async () => {
    // The victim's browser starts a sign-in; its interaction's path is all the attacker has.
    const victim = await signedInBrowser();
    const verifier = oidc.randomPKCECodeVerifier();
    const start = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "s", prompt: "consent" });
    const started = await fetch(start, { redirect: "manual", headers: { cookie: victim.jar.join("; ") } });
    const interaction = new URL(started.headers.get("location")!, start);
    expect(interaction.pathname).toMatch(/^\/oidc\/interaction\//);
    // The attacker, signed in as someone else, with an interaction of their own (so a cookie of the same name).
    const sam = await createUser(owner.accountId, { name: "Sam Attacker", email: "sam-r42@example.com" });
    const attacker = [await sessionCookie((await startSession(sam)).sessionId, sam.id)];
    const own = await fetch(start, { redirect: "manual", headers: { cookie: attacker.join("; ") } });
    keepCookies(attacker, own);
    keepCookies(victim.jar, started);
    for (const method of ["GET", "POST"] as const) {
      const path = method === "GET" ? interaction : new URL(`${interaction.pathname}/consent`, base);
      const res = await fetch(path, { method, redirect: "manual", headers: { cookie: attacker.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: method === "POST" ? "choice=allow&shown_to=" + sam.id : undefined });
      expect(res.status, method).toBe(400);
      expect(res.headers.get("location"), method).toBeNull();
    }
    // The victim's own browser still finds it (the 400s above are about whose browser asks).
    expect((await fetch(interaction, { redirect: "manual", headers: { cookie: victim.jar.join("; ") } })).status).not.toBe(400);
  });
});
