/**
 * Latchkey as an OpenID Provider (issue 15), with openid-client as the
 * relying party and the person's browser played by fetch with a cookie jar
 * (signed in through Auth.js's real credentials form): discovery from
 * PUBLIC_URL, code + PKCE with state and nonce, the ID token verified against
 * the JWKS, userinfo, refresh rotation and reuse detection, introspection,
 * revocation, RP-initiated logout; and the refusals: an unregistered redirect
 * URI (no redirect to it), a wrong client secret, a reused code, a PKCE
 * mismatch, a person outside the app's groups, a blocked person's refresh,
 * an expired device code.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import * as oidc from "openid-client";
import { bearer, call, CookieJar, signInOrFail } from "../support/api";
import { openInstanceDatabase } from "../support/database";
import { setUpOwner, useInstance } from "../support/instance";
import { noteSecret } from "../support/secrets";
import { tokenClient } from "../support/users-api";
import { questionAnswer } from "../../test/question-page";
import { startAuthorization } from "../support/provider-client";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });

// Loopback redirect URIs (http allowed there); nothing listens on port 9: the test reads the redirect itself.
const REDIRECT = "http://127.0.0.1:9/callback";
const AFTER_LOGOUT = "http://127.0.0.1:9/signed-out";

type Registered = { id: string; client_id: string; client_secret?: string };
type Person = { id: string; email: string; password: string; cookie: string };

let auth: Record<string, string>;
let web: Registered;
let spa: Registered;
let device: Registered;
let restricted: Registered;
let member: Person;
let allowedGroup: string;

async function register(json: Record<string, unknown>): Promise<Registered> {
  const res = await call<Registered>(instance, "/api/applications", { method: "POST", headers: auth, json });
  expect(res.status, res.text).toBe(201);
  noteSecret(res.body.client_secret);
  return res.body;
}

async function person(name: string, groups: string[] = []): Promise<Person> {
  const email = `${name}-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const created = await call<{ id: string; password: string }>(instance, "/api/users", {
    method: "POST",
    headers: auth,
    json: { email, name: `${name} Example`, role: "user", auto_groups: groups },
  });
  expect(created.status, created.text).toBe(200);
  const first = await signInOrFail(instance, email, created.body.password);
  const password = `${name} has a fresh passphrase 42`;
  const changed = await call(instance, `/api/users/${created.body.id}/password`, {
    method: "PUT",
    headers: { cookie: first, origin: instance.baseURL },
    json: { old_password: created.body.password, new_password: password },
  });
  expect(changed.status, changed.text).toBe(200);
  return { id: created.body.id, email, password, cookie: await signInOrFail(instance, email, password) };
}

async function relyingParty(app: Registered, secret = app.client_secret): Promise<oidc.Configuration> {
  const config = await oidc.discovery(new URL(instance.baseURL), app.client_id, secret, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  return config;
}

/** Follows the browser's redirects within Latchkey; returns where it was sent outside it (or the last answer). */
function jarWith(cookie: string): CookieJar {
  const jar = new CookieJar();
  for (const part of cookie.split("; ").filter(Boolean)) {
    const eq = part.indexOf("=");
    jar.update(new Headers([["set-cookie", `${part.slice(0, eq)}=${part.slice(eq + 1)}`]]));
  }
  return jar;
}

async function browse(url: string, cookie: string, jar = jarWith(cookie), init: RequestInit = {}): Promise<{ location: string | null; status: number; body: string }> {
  let next = url;
  for (let hop = 0; hop < 10; hop += 1) {
    const headers = { ...(init.headers as Record<string, string> | undefined), cookie: jar.header };
    const res = await fetch(next, { ...(hop === 0 ? init : {}), redirect: "manual", headers: hop === 0 ? headers : { cookie: jar.header } });
    jar.update(res.headers);
    const body = await res.text();
    const location = res.headers.get("location");
    if (!location) return { location: null, status: res.status, body };
    const target = new URL(location, next);
    if (target.origin !== instance.baseURL || target.pathname === "/login") return { location: target.href, status: res.status, body };
    next = target.href;
  }
  throw new Error("too many redirects");
}

/** Presses a Latchkey page's button in the sign-in (consent's Allow or Deny, a refusal's Back): posts its form as a browser does. */
async function answerPage(html: string, jar: CookieJar, choice: "allow" | "deny") {
  const { action, body } = questionAnswer(html, choice);
  expect(action).toMatch(/\/consent$/);
  return browse(new URL(action, instance.baseURL).href, "", jar, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

function authorization(config: oidc.Configuration, scope = "openid profile email groups roles offline_access", extra: Record<string, string> = {}) {
  // OpenID Connect issues refresh tokens (offline_access) only with prompt=consent.
  return startAuthorization(config, { redirect_uri: REDIRECT, scope, prompt: "consent", ...extra });
}

async function signInTo(config: oidc.Configuration, who: Person, scope?: string) {
  const started = await authorization(config, scope);
  const landed = await browse(started.url.href, who.cookie);
  expect(landed.location, landed.body).toContain(REDIRECT);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.location!), started.checks);
  noteSecret(tokens.access_token);
  noteSecret(tokens.refresh_token);
  return tokens;
}

/** The OAuth error code of a refusal openid-client threw (in the body, or in a WWW-Authenticate challenge). */
function oauthError(err: unknown): string | undefined {
  const e = err as { error?: string; cause?: { error?: string } | Array<{ parameters?: { error?: string } }> };
  if (e.error) return e.error;
  if (Array.isArray(e.cause)) return e.cause[0]?.parameters?.error;
  return e.cause?.error;
}

type ActivityEvent = { activity_code: string; initiator_name: string; target_id: string; meta: Record<string, string> };

/** The newest "app tokens revoked" event for the person with this reason, from the activity API. */
async function revokedByApp(userId: string, reason: string): Promise<ActivityEvent | undefined> {
  const events = await call<ActivityEvent[]>(instance, "/api/events", { headers: auth });
  expect(events.status, events.text).toBe(200);
  return events.body.find((e) => e.activity_code === "app.tokens.revoked" && e.target_id === userId && e.meta.reason === reason);
}

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Grafana admins" } });
  expect(group.status, group.text).toBe(200);
  web = await register({ name: "Grafana", type: "web", redirect_uris: [REDIRECT], post_logout_redirect_uris: [AFTER_LOGOUT] });
  spa = await register({ name: "Dashboard SPA", type: "spa", redirect_uris: [REDIRECT] });
  device = await register({ name: "NetBird CLI", type: "device", redirect_uris: [] });
  allowedGroup = group.body.id;
  restricted = await register({ name: "Proxmox", type: "web", redirect_uris: [REDIRECT], allowed_groups: [allowedGroup] });
  member = await person("mia");
});

test("discovery names PUBLIC_URL as the issuer whatever Host a request claims, and the JWKS holds ES256 and RS256 keys", async () => {
  const res = await fetch(instance.url("/.well-known/openid-configuration"), { headers: { "x-forwarded-host": "evil.example", host: "evil.example" } });
  expect(res.status).toBe(200);
  const meta = (await res.json()) as Record<string, unknown>;
  expect(meta.issuer).toBe(instance.baseURL);
  for (const key of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint", "introspection_endpoint", "end_session_endpoint", "device_authorization_endpoint"]) {
    expect(String(meta[key]), key).toMatch(new RegExp(`^${instance.baseURL}/oidc/`));
  }
  expect(meta.code_challenge_methods_supported).toEqual(["S256"]);
  expect(meta.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "email", "groups", "roles", "offline_access"]));
  const jwks = (await (await fetch(String(meta.jwks_uri))).json()) as { keys: Array<{ alg: string; d?: string }> };
  expect(jwks.keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
  expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
});

test("code + PKCE: a signed-in person is asked nothing; the ID token verifies against the JWKS and says who they are", async () => {
  const config = await relyingParty(web);
  // openid-client then checks the ID token's signature against the provider's JWKS (besides iss, aud, nonce, exp).
  oidc.enableNonRepudiationChecks(config);
  const tokens = await signInTo(config, member);
  const payload = tokens.claims()!;
  expect(payload.iss).toBe(instance.baseURL);
  expect(payload.aud).toBe(web.client_id);
  expect(payload).toMatchObject({ sub: member.id, email: member.email, email_verified: true, name: "mia Example", groups: [], roles: ["user"] });
  expect(typeof payload.preferred_username).toBe("string");
  const info = await oidc.fetchUserInfo(config, tokens.access_token, member.id);
  expect(info).toMatchObject({ sub: member.id, email: member.email, name: "mia Example" });
  const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
  expect(introspected).toMatchObject({ active: true, sub: member.id, client_id: web.client_id });
});

test("an app registered for ES256 gets ID tokens signed with the JWKS's EC key; RS256 stays the default", async () => {
  expect((await call<{ id_token_signed_response_alg: string }>(instance, `/api/applications/${web.id}`, { headers: auth })).body.id_token_signed_response_alg).toBe("RS256");
  const refused = await call<{ errors?: Record<string, string[]> }>(instance, "/api/applications", { method: "POST", headers: auth, json: { name: "Bad alg", type: "web", redirect_uris: [REDIRECT], id_token_signed_response_alg: "HS256" } });
  expect(refused.status, refused.text).toBe(422);
  expect(Object.keys(refused.body.errors ?? {})).toContain("id_token_signed_response_alg");
  const ec = await register({ name: "Gitea", type: "web", redirect_uris: [REDIRECT], id_token_signed_response_alg: "ES256" });
  expect((await call<{ id_token_signed_response_alg: string }>(instance, `/api/applications/${ec.id}`, { headers: auth })).body.id_token_signed_response_alg).toBe("ES256");
  const config = await relyingParty(ec);
  oidc.enableNonRepudiationChecks(config);
  const tokens = await signInTo(config, member, "openid");
  const [header, payload, signature] = tokens.id_token!.split(".");
  const { alg, kid } = JSON.parse(Buffer.from(header, "base64url").toString()) as { alg: string; kid: string };
  expect(alg).toBe("ES256");
  const jwks = (await (await fetch(config.serverMetadata().jwks_uri!)).json()) as { keys: Array<crypto.JsonWebKey & { kid: string }> };
  const key = jwks.keys.find((k) => k.kid === kid);
  expect(key?.kty).toBe("EC");
  const verified = crypto.verify("sha256", Buffer.from(`${header}.${payload}`), { key: crypto.createPublicKey({ key: key!, format: "jwk" }), dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  expect(verified).toBe(true);
  // Switched to RS256, the next ID token is RSA-signed.
  const switched = await call(instance, `/api/applications/${ec.id}`, { method: "PUT", headers: auth, json: { id_token_signed_response_alg: "RS256" } });
  expect(switched.status, switched.text).toBe(200);
  const again = await signInTo(config, member, "openid");
  expect(JSON.parse(Buffer.from(again.id_token!.split(".")[0], "base64url").toString()).alg).toBe("RS256");
});

test("a person without a Latchkey session is sent to /login, with the app's sign-in as the way back", async () => {
  const config = await relyingParty(web);
  const started = await authorization(config);
  const toLogin = await browse(started.url.href, "");
  expect(toLogin.location).toMatch(/\/login\?callbackUrl=%2Foidc%2Finteraction%2F/);
});

test("refresh tokens rotate; presenting a used one revokes the whole chain", async () => {
  const config = await relyingParty(web);
  const first = await signInTo(config, member);
  expect(first.refresh_token).toBeTruthy();
  const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
  noteSecret(second.refresh_token);
  noteSecret(second.access_token);
  expect(second.refresh_token).toBeTruthy();
  expect(second.refresh_token).not.toBe(first.refresh_token);
  // The old one again: refused, and the chain it belongs to ends with it.
  const reuse = await oidc.refreshTokenGrant(config, first.refresh_token!).catch((err: unknown) => err);
  expect(oauthError(reuse)).toBe("invalid_grant");
  const after = await oidc.refreshTokenGrant(config, second.refresh_token!).catch((err: unknown) => err);
  expect(oauthError(after)).toBe("invalid_grant");
  expect(await revokedByApp(member.id, "refresh_token_reused")).toMatchObject({ initiator_name: "Grafana", meta: { client_id: web.client_id } });
  expect((await oidc.tokenIntrospection(config, second.access_token)).active).toBe(false);
});

test("revocation (RFC 7009) ends a refresh token and what it was issued with", async () => {
  const config = await relyingParty(web);
  const tokens = await signInTo(config, member);
  await oidc.tokenRevocation(config, tokens.refresh_token!);
  expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
  const refused = await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((err: unknown) => err);
  expect(oauthError(refused)).toBe("invalid_grant");
  // In activity, like the person's own "Revoke access": the app revoked them, named.
  expect(await revokedByApp(member.id, "revoked_by_app")).toMatchObject({ initiator_name: "Grafana", meta: { client_id: web.client_id, token: "refresh_token" } });
});

/**
 * A person signed in to `app` in one browser (Latchkey's cookie and the provider's own, as a real browser keeps them), then
 * the app's RP-initiated logout to `postLogout`, confirmed on the provider's page as a browser submits it.
 */
async function signInThenLogOut(app: Registered, postLogout: string) {
  const someone = await person("lou");
  const config = await relyingParty(app);
  const browser = jarWith(someone.cookie);
  const started = await authorization(config, "openid");
  const landed = await browse(started.url.href, "", browser);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.location!), started.checks);
  noteSecret(tokens.access_token);
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
  const unregistered = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://127.0.0.1:9/elsewhere" });
  const refused = await fetch(unregistered, { redirect: "manual" });
  expect(refused.status).toBe(400);
  expect(refused.headers.get("location")).toBeNull();

  const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogout, state: "bye" });
  const page = await fetch(url, { redirect: "manual", headers: { cookie: browser.header } });
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  expect(action && xsrf).toBeTruthy();
  browser.update(page.headers);
  const confirmed = await fetch(new URL(action!, instance.baseURL), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: browser.header },
    body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }),
  });
  expect(confirmed.status).toBe(303);
  expect(confirmed.headers.get("location")).toBe(`${postLogout}?state=bye`);
  return { someone, config, tokens, confirmed };
}

test("RP-initiated logout returns only to a registered post-logout URI, and ends the Latchkey session", async () => {
  const { someone: lou, config, tokens, confirmed } = await signInThenLogOut(web, AFTER_LOGOUT);
  // The single sign-on session is over: the Latchkey cookie no longer works.
  expect(confirmed.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token=;"))).toBe(true);
  const after = await fetch(instance.url("/api/users/current"), { headers: { cookie: lou.cookie } });
  expect(after.status).toBe(401);
  // The app's grant ended with the sign-out, and activity says which app did it.
  expect(await revokedByApp(lou.id, "signed_out_by_app")).toMatchObject({ initiator_name: "Grafana", meta: { client_id: web.client_id } });
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
});

test("an app's post-logout address whose path looks like the provider's own resume still ends the Latchkey session", async () => {
  // The provider's logout that leads back to an authorization (another person signed in on the confirm page) keeps the
  // new Latchkey session; only the provider's own origin is that, never an app's address with the same path.
  const lookalike = "http://127.0.0.1:9/oidc/auth/AbCdEf123";
  const app = await register({ name: "Lookalike", type: "web", redirect_uris: [REDIRECT], post_logout_redirect_uris: [lookalike] });
  const { someone } = await signInThenLogOut(app, lookalike);
  expect((await fetch(instance.url("/api/users/current"), { headers: { cookie: someone.cookie } })).status).toBe(401);
});

test("an unregistered redirect URI is refused on Latchkey's page, never redirected to", async () => {
  const config = await relyingParty(web);
  const started = await authorization(config, "openid", { redirect_uri: "http://127.0.0.1:9/not-registered" });
  const res = await fetch(started.url, { redirect: "manual", headers: { cookie: member.cookie } });
  expect(res.status).toBe(400);
  expect(res.headers.get("location")).toBeNull();
  expect(await res.text()).toContain("redirect_uri");
});

test("a wrong client secret, a reused code and a PKCE mismatch are refused at the token endpoint", async () => {
  const config = await relyingParty(web);
  // Wrong secret.
  const started = await authorization(config, "openid");
  const landed = await browse(started.url.href, member.cookie);
  const wrong = await relyingParty(web, "lks_not-the-secret-of-this-app-at-all-0000");
  const badSecret = await oidc
    .authorizationCodeGrant(wrong, new URL(landed.location!), started.checks)
    .catch((err: unknown) => err);
  expect(oauthError(badSecret)).toBe("invalid_client");

  // PKCE mismatch.
  const mismatch = await authorization(config, "openid");
  const mismatchLanded = await browse(mismatch.url.href, member.cookie);
  const pkce = await oidc
    .authorizationCodeGrant(config, new URL(mismatchLanded.location!), { ...mismatch.checks, pkceCodeVerifier: oidc.randomPKCECodeVerifier() })
    .catch((err: unknown) => err);
  expect(oauthError(pkce)).toBe("invalid_grant");

  // Reused code.
  const once = await authorization(config, "openid");
  const onceLanded = await browse(once.url.href, member.cookie);
  const checks = once.checks;
  const tokens = await oidc.authorizationCodeGrant(config, new URL(onceLanded.location!), checks);
  noteSecret(tokens.access_token);
  const again = await oidc.authorizationCodeGrant(config, new URL(onceLanded.location!), checks).catch((err: unknown) => err);
  expect(oauthError(again)).toBe("invalid_grant");
});

test("a public (single-page) app must use PKCE", async () => {
  const config = await relyingParty(spa);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", state: oidc.randomState() });
  const landed = await browse(url.href, member.cookie);
  const error = new URL(landed.location!).searchParams;
  expect(error.get("error")).toBe("invalid_request");
  expect(error.get("error_description")).toMatch(/PKCE/);
  const tokens = await signInTo(config, member, "openid");
  expect(tokens.id_token).toBeTruthy();
});

test("a command-line app on the loopback port it picked (RFC 8252 §7.3): registered as http://127.0.0.1/callback, it gets its code there; a web app's loopback address keeps its port", async () => {
  const cli = await register({ name: "kubectl oidc-login", type: "spa", redirect_uris: ["http://127.0.0.1/callback"] });
  const config = await relyingParty(cli);
  // The CLI's own listener, on a port the system chose (as the CLI's free-port fallback does).
  const received: string[] = [];
  const listener = http.createServer((req, res) => {
    received.push(req.url ?? "");
    res.end("Signed in: you can close this tab.");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  try {
    const port = (listener.address() as AddressInfo).port;
    const redirect = `http://127.0.0.1:${port}/callback`;
    const started = await startAuthorization(config, { redirect_uri: redirect, scope: "openid profile" });
    const landed = await browse(started.url.href, member.cookie);
    expect(landed.location, landed.body).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/callback\\?code=`));
    // The browser follows the redirect to the CLI's listener; the CLI redeems the code with the same redirect URI.
    expect((await fetch(landed.location!)).status).toBe(200);
    expect(received).toHaveLength(1);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(received[0], redirect), started.checks);
    noteSecret(tokens.access_token);
    expect(tokens.claims()?.sub).toBe(member.id);
  } finally {
    await new Promise((resolve) => listener.close(resolve));
  }
  // A web app (with a secret) registered http://127.0.0.1:9/callback: another port is not its address.
  const webApp = await relyingParty(web);
  const other = await startAuthorization(webApp, { redirect_uri: "http://127.0.0.1:19/callback", scope: "openid" });
  const refused = await fetch(other.url, { redirect: "manual", headers: { cookie: member.cookie } });
  expect(refused.status).toBe(400);
  expect(refused.headers.get("location")).toBeNull();
});

test("an app that requires consent asks once, on Latchkey's page; the answer is recorded", async () => {
  const wiki = await register({ name: "Team Wiki", type: "web", redirect_uris: [REDIRECT], require_consent: true });
  const config = await relyingParty(wiki);
  const started = await authorization(config, "openid email");
  const jar = jarWith(member.cookie);
  const asked = await browse(started.url.href, "", jar);
  expect(asked.status).toBe(200);
  expect(asked.body).toContain("Allow Team Wiki?");
  expect(asked.body).toContain("Your email address");
  // An answer over the consent form's size (4 KiB) is refused unread; before, its first 4 KiB were read as the answer.
  const consentPath = /action="([^"]+\/consent)"/.exec(asked.body)?.[1] ?? "";
  const oversized = await browse(new URL(consentPath, instance.baseURL).href, "", jar, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `choice=allow&padding=${"x".repeat(5000)}`,
  });
  expect(oversized.status, oversized.body).toBe(413);
  expect(oversized.location).toBeNull();
  const answered = await answerPage(asked.body, jar, "allow");
  expect(answered.location).toContain(REDIRECT);
  expect(new URL(answered.location!).searchParams.get("code")).toBeTruthy();
  // Granted once: the next sign-in asks nothing.
  const again = await authorization(config, "openid email");
  expect((await browse(again.url.href, member.cookie)).location).toContain(REDIRECT);
  const events = await call(instance, "/api/events", { headers: auth });
  expect(events.text).toContain("app.consent.given");
});

test("a person outside the app's allowed groups is told so on Latchkey's page (403); 'Back' sends the app access_denied; the refusal is recorded", async () => {
  const config = await relyingParty(restricted);
  const started = await authorization(config, "openid");
  const jar = jarWith(member.cookie);
  const refused = await browse(started.url.href, "", jar);
  expect(refused.status).toBe(403);
  expect(refused.body).toContain("You don&#39;t have access to Proxmox");
  expect(refused.body).not.toContain("Allow");
  const landed = await answerPage(refused.body, jar, "deny");
  const params = new URL(landed.location!).searchParams;
  expect(params.get("error")).toBe("access_denied");
  expect(params.get("state")).toBe(started.state);
  const events = await call<Array<{ activity_code: string }>>(instance, "/api/events", { headers: auth });
  expect(JSON.stringify(events.body)).toContain("app.sign_in.refused");
});

test("taken out of the app's allowed group, a person's tokens stop at once: introspection inactive, refresh refused", async () => {
  const gia = await person("gia", [allowedGroup]);
  const config = await relyingParty(restricted);
  const tokens = await signInTo(config, gia);
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
  const moved = await tokenClient(instance, auth.authorization.replace(/^Bearer /, "")).updateUser(gia.id, { auto_groups: [] });
  expect(moved.status, moved.text).toBe(200);
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  const refresh = await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((err: unknown) => err);
  expect(oauthError(refresh)).toBe("invalid_grant");
});

test("blocking a person ends their apps' access at once: refresh refused, introspection inactive, userinfo refused", async () => {
  const bob = await person("bob");
  const config = await relyingParty(web);
  const tokens = await signInTo(config, bob);
  const blocked = await tokenClient(instance, auth.authorization.replace(/^Bearer /, "")).updateUser(bob.id, { is_blocked: true });
  expect(blocked.status, blocked.text).toBe(200);
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  const refresh = await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((err: unknown) => err);
  expect(oauthError(refresh)).toBe("invalid_grant");
  const info = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(info.status).toBe(401);
});

test("deleting a person ends their apps' access: userinfo and refresh refused", async () => {
  const dee = await person("dee");
  const config = await relyingParty(web);
  const tokens = await signInTo(config, dee);
  const deleted = await call(instance, `/api/users/${dee.id}`, { method: "DELETE", headers: auth });
  expect(deleted.status, deleted.text).toBe(200);
  const info = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(info.status).toBe(401);
  const refresh = await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((err: unknown) => err);
  expect(oauthError(refresh)).toBe("invalid_grant");
});

test("a device code polled after it expired gets expired_token", async () => {
  const config = await relyingParty(device);
  const started = await oidc.initiateDeviceAuthorization(config, { scope: "openid offline_access" });
  noteSecret(started.device_code);
  expect(started.verification_uri).toBe(`${instance.baseURL}/device`);
  const database = openInstanceDatabase(instance);
  try {
    const moved = database.prepare("UPDATE oidc_models SET expires_at = ? WHERE name = 'DeviceCode'").run(Date.now() - 1000);
    expect(moved.changes).toBeGreaterThan(0);
  } finally {
    database.close();
  }
  const polled = await oidc.pollDeviceAuthorizationGrant(config, { ...started, interval: 0 }).catch((err: unknown) => err);
  expect(oauthError(polled)).toBe("expired_token");
});

test("the provider's own pages can't be framed by another site (a framed Approve would be clickjacking)", async () => {
  const config = await relyingParty(device);
  const started = await oidc.initiateDeviceAuthorization(config, { scope: "openid" });
  noteSecret(started.device_code);
  for (const url of [`${instance.baseURL}/device`, started.verification_uri_complete!, instance.url("/.well-known/openid-configuration")]) {
    const res = await fetch(url, { redirect: "manual" });
    expect(res.headers.get("x-frame-options"), url).toBe("DENY");
    expect(res.headers.get("content-security-policy"), url).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options"), url).toBe("nosniff");
    expect(res.headers.get("referrer-policy"), url).toBe("no-referrer");
  }
});

test("nothing secret is stored in plaintext: token values and personal data are not in oidc_models", async () => {
  const config = await relyingParty(web);
  const tokens = await signInTo(config, member);
  const database = openInstanceDatabase(instance);
  try {
    const rows = database.prepare("SELECT id, payload_ciphertext FROM oidc_models").all() as Array<{ id: string; payload_ciphertext: string }>;
    const dump = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(0);
    expect(dump).not.toContain(tokens.refresh_token!);
    expect(dump).not.toContain(tokens.access_token);
    expect(dump).not.toContain(member.email);
  } finally {
    database.close();
  }
});
