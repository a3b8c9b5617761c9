/**
 * An app's sign-in through Latchkey with each way into Latchkey, not only the
 * local password (issue 15, "every method it offers"): the person arrives
 * without a session, is sent to /login with the app's sign-in as the way
 * back, signs in with LDAP, an external OpenID provider, or a trusted
 * proxy's header, and lands back at the app with a code that gives their ID
 * token. A sign-in cancelled at the external provider comes back to the sign-in page with its reason and the
 * way back. And: a forced password change in the middle keeps the way back.
 * The browser is fetch with one cookie jar per origin (Latchkey's and the
 * external provider's oidc-provider both name their cookies "_interaction").
 * Password + authenticator code, and the forced set-up, walk in Chromium:
 * e2e/oidc-sign-in-steps.spec.ts.
 */
import { expect, test } from "@playwright/test";
import * as oidc from "openid-client";
import { bearer, call, CookieJar } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { startOidcProvider, TEST_IDP_USER, type TestOidcProvider } from "../support/oidc-provider";
import { noteSecret } from "../support/secrets";
import { LDAP_PEOPLE, ldapSettings, SIGN_IN_BY_EMAIL, type Slapd, startSlapd } from "../support/slapd";
import { personWithRole, tokenClient, uniqueEmail } from "../support/users-api";
import { startAuthorization, type StartedAuthorization } from "../support/provider-client";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });

const REDIRECT = "http://127.0.0.1:9/callback";

let auth: Record<string, string>;
let app: { id: string; client_id: string; client_secret: string };
let slapd: Slapd | undefined;
let idp: TestOidcProvider | undefined;

test.afterAll(async () => {
  await slapd?.stop();
  await idp?.stop();
});

/** A browser: cookies per origin, redirects followed until the app's own address (or a page) is reached. */
class Browser {
  private readonly jars = new Map<string, CookieJar>();
  constructor(private readonly headers: Record<string, string> = {}) {}

  jar(url: string | URL): CookieJar {
    const origin = new URL(url).origin;
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new CookieJar()));
    return jar;
  }

  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: string; status: number; body: string }> {
    let next = url;
    let request: { method?: string; body?: string; headers?: Record<string, string> } = init.form
      ? { method: init.method ?? "POST", body: new URLSearchParams(init.form).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }
      : {};
    for (let hop = 0; hop < 20; hop += 1) {
      if (next.startsWith(REDIRECT)) return { url: next, status: 0, body: "" };
      const res = await fetch(next, { method: request.method, body: request.body, redirect: "manual", headers: { ...this.headers, ...request.headers, cookie: this.jar(next).header } });
      this.jar(next).update(res.headers);
      const body = await res.text();
      const location = res.headers.get("location");
      if (!location || res.status < 300 || res.status >= 400) return { url: next, status: res.status, body };
      next = new URL(location, next).href;
      request = {};
    }
    throw new Error("too many redirects");
  }
}

type Started = StartedAuthorization;

/** A browser already signed in to Latchkey: `cookie` is a session's Cookie header. */
function signedInBrowser(cookie: string): Browser {
  const browser = new Browser();
  const given = new Headers();
  for (const pair of cookie.split("; ")) given.append("set-cookie", pair);
  browser.jar(instance.baseURL).update(given);
  return browser;
}

async function relyingParty(): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(instance.baseURL), app.client_id, app.client_secret, oidc.ClientSecretBasic(app.client_secret), { execute: [oidc.allowInsecureRequests] });
}

function startSignIn(config: oidc.Configuration): Promise<Started> {
  return startAuthorization(config, { redirect_uri: REDIRECT, scope: "openid email profile" });
}

/** From the app's authorization request to Latchkey's sign-in page: returns the way back it was given. */
async function toSignInPage(browser: Browser, started: Started): Promise<string> {
  const page = await browser.go(started.url.href);
  const landed = new URL(page.url);
  expect(landed.pathname, page.body.slice(0, 300)).toBe("/login");
  const back = landed.searchParams.get("callbackUrl");
  expect(back).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
  return back!;
}

/** The app's end: the code it got back turns into tokens whose ID token names the person. */
async function finish(config: oidc.Configuration, started: Started, at: string) {
  expect(at, "the sign-in did not come back to the app").toMatch(new RegExp(`^${REDIRECT}\\?`));
  const tokens = await oidc.authorizationCodeGrant(config, new URL(at), started.checks);
  noteSecret(tokens.access_token);
  return tokens.claims()!;
}

/** Auth.js's credentials form (local password or LDAP), posted with the way back to the app's sign-in (a path here, or an address). */
async function passwordForm(browser: Browser, identifier: string, password: string, back: string) {
  noteSecret(password);
  const csrf = await browser.go(instance.url("/api/auth/csrf"));
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  return browser.go(instance.url("/api/auth/callback/credentials"), { form: { csrfToken, email: identifier, password, callbackUrl: new URL(back, instance.baseURL).href } });
}

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  const res = await call<typeof app>(instance, "/api/applications", { method: "POST", headers: auth, json: { name: "Grafana", type: "web", redirect_uris: [REDIRECT] } });
  expect(res.status, res.text).toBe(201);
  noteSecret(res.body.client_secret);
  app = res.body;
});

test("LDAP: a directory person signs in on Latchkey's form and returns to the app", async () => {
  slapd = await startSlapd();
  const ldap = await call(instance, "/api/settings/ldap", {
    method: "PUT",
    headers: auth,
    json: ldapSettings(slapd, SIGN_IN_BY_EMAIL),
  });
  expect(ldap.status, ldap.text).toBe(200);
  const config = await relyingParty();
  const started = await startSignIn(config);
  const browser = new Browser();
  const back = await toSignInPage(browser, started);
  const dora = LDAP_PEOPLE.dora;
  const landed = await passwordForm(browser, dora.email, dora.password, back);
  const claims = await finish(config, started, landed.url);
  expect(claims).toMatchObject({ email: dora.email, name: dora.name });
});

test("a wrong password posted straight to Auth.js comes back to the app's sign-in page with the form's message; the right one reaches the app", async () => {
  const config = await relyingParty();
  const started = await startSignIn(config);
  const browser = new Browser();
  const back = await toSignInPage(browser, started);
  const dora = LDAP_PEOPLE.dora;
  const refused = await passwordForm(browser, dora.email, "not dora's password", back);
  const page = new URL(refused.url);
  expect(page.pathname).toBe("/login");
  expect(Object.fromEntries(page.searchParams)).toEqual({ error: "CredentialsSignin", code: "invalid_credentials", callbackUrl: back });
  // The form's one message for a wrong password or an unknown person (the directory is on: usernames too).
  expect(refused.status).toBe(200);
  expect(refused.body).toContain("Invalid username or password");
  expect(refused.body).toContain(`name="callbackUrl" value="${back}"`);
  // Another site, another path, or a query: Auth.js's own answer, with no way back.
  for (const elsewhere of [`https://evil.example${back}`, instance.url(`${back}?next=https://evil.example`), instance.url("/team/users")]) {
    const answered = new URL((await passwordForm(browser, dora.email, "not dora's password", elsewhere)).url);
    expect(answered.pathname, elsewhere).toBe("/login");
    expect(answered.searchParams.get("callbackUrl"), elsewhere).toBeNull();
  }
  const landed = await passwordForm(browser, dora.email, dora.password, back);
  const claims = await finish(config, started, landed.url);
  expect(claims).toMatchObject({ email: dora.email });
});

test("on Pat's 'confirm it's you', Sam's right password posted straight to Auth.js is refused back to the same page; Pat's own gives the app Pat's code", async () => {
  const owner = tokenClient(instance, auth.authorization.replace(/^Bearer /, ""));
  const pat = await personWithRole(owner, "user", { name: "Pat Confirm" });
  const sam = await personWithRole(owner, "user", { name: "Sam Other" });
  const config = await relyingParty();
  // The app asks for a fresh sign-in, in a later second than Pat's (only a sign-in since the request began answers it).
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const started = await startAuthorization(config, { redirect_uri: REDIRECT, scope: "openid email profile", prompt: "login" });
  const browser = signedInBrowser(pat.cookie);
  const back = await toSignInPage(browser, started);
  const whoIsSignedIn = async () => (await call<{ email: string }>(instance, "/api/users/current", { headers: { cookie: browser.jar(instance.baseURL).header } })).body.email;

  const refused = await passwordForm(browser, sam.email, sam.password, back);
  const page = new URL(refused.url);
  expect(page.pathname).toBe("/login");
  expect(Object.fromEntries(page.searchParams)).toEqual({ error: "CredentialsSignin", code: "not_the_person", callbackUrl: back });
  expect(refused.body).toMatch(/Confirm it(&#x27;|')s you/);
  expect(refused.body).toContain("You signed in as someone else, not as the person signed in here.");
  expect(await whoIsSignedIn()).toBe(pat.email);
  // The same request's page asks Pat still: nothing answered it, no code reached the app.
  expect(new URL((await browser.go(instance.url(back))).url).searchParams.get("callbackUrl")).toBe(back);
  // A wrong password for Sam there reads as any wrong password.
  const wrong = new URL((await passwordForm(browser, sam.email, "not sam's password", back)).url);
  expect(Object.fromEntries(wrong.searchParams)).toEqual({ error: "CredentialsSignin", code: "invalid_credentials", callbackUrl: back });

  const landed = await passwordForm(browser, pat.email, pat.password, back);
  const claims = await finish(config, started, landed.url);
  expect(claims).toMatchObject({ email: pat.email, sub: pat.user.id });
  // On record as Pat's failed sign-in, and never as Sam's.
  const failures = await call<{ target_id: string; meta: { reason: string } }[]>(instance, "/api/events?action=user.login.failed&limit=100", { headers: auth });
  expect(failures.status, failures.text).toBe(200);
  const reasons = (id: string) => failures.body.filter((e) => e.target_id === id).map((e) => e.meta.reason);
  expect(reasons(pat.user.id)).toEqual(["not_the_person"]);
  expect(reasons(sam.user.id)).toEqual(["wrong_password"]);
});

test("an external OpenID provider: the person signs in there and returns through Latchkey to the app", async () => {
  // The provider's redirect URL names its id: register it with a placeholder issuer, then point it at the started provider.
  const body = { type: "oidc", name: "Test IdP", client_id: "latchkey-e2e", client_secret: "e2e-client-secret-7c1f0b", signup_policy: "open", allow_internal_addresses: true };
  const created = await call<{ id: string; redirect_url: string }>(instance, "/api/identity-providers", { method: "POST", headers: auth, json: { ...body, issuer: "http://127.0.0.1:9" } });
  expect(created.status, created.text).toBe(200);
  idp = await startOidcProvider(created.body.redirect_url);
  const pointed = await call(instance, `/api/identity-providers/${created.body.id}`, { method: "PUT", headers: auth, json: { ...body, issuer: idp.issuer, client_secret: idp.clientSecret } });
  expect(pointed.status, pointed.text).toBe(200);

  const config = await relyingParty();
  const started = await startSignIn(config);
  const browser = new Browser();
  const back = await toSignInPage(browser, started);
  // "Sign in with Test IdP", as the sign-in page's button posts it to Auth.js: the provider's sign-in form, its interaction.
  const toProvider = async () => {
    const csrf = await browser.go(instance.url("/api/auth/csrf"));
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const atProvider = await browser.go(instance.url(`/api/auth/signin/${created.body.id}`), { form: { csrfToken, callbackUrl: instance.url(back) } });
    expect(atProvider.body).toContain("Test IdP sign-in");
    const uid = /action="\/interaction\/([^/"]+)\/login"/.exec(atProvider.body)?.[1];
    expect(uid).toBeTruthy();
    return uid!;
  };
  // Cancelled at the provider: the sign-in page again, with the reason and the way back to the app's sign-in.
  const cancelled = new URL((await browser.go(`${idp.issuer}/interaction/${await toProvider()}/cancel`, { form: {} })).url);
  expect(cancelled.pathname).toBe("/login");
  expect(cancelled.searchParams.get("error")).toBeTruthy();
  expect(cancelled.searchParams.get("callbackUrl")).toBe(back);
  noteSecret(TEST_IDP_USER.password);
  const landed = await browser.go(`${idp.issuer}/interaction/${await toProvider()}/login`, { form: { login: TEST_IDP_USER.login, password: TEST_IDP_USER.password } });
  const claims = await finish(config, started, landed.url);
  expect(claims).toMatchObject({ email: TEST_IDP_USER.email, name: TEST_IDP_USER.name });
});

test("a person who must change their password first is sent to do so, with the app's sign-in as the way back", async () => {
  const email = uniqueEmail("fresh");
  const created = await tokenClient(instance, auth.authorization.replace(/^Bearer /, "")).createUser({ email, name: "Fay Fresh", role: "user", auto_groups: [] });
  const config = await relyingParty();
  const started = await startSignIn(config);
  const browser = new Browser();
  const back = await toSignInPage(browser, started);
  const stopped = await passwordForm(browser, email, created.password!, back);
  // The interaction sends the person to choose a password, and says where to return.
  const change = new URL(stopped.url);
  expect(change.pathname).toBe("/change-password");
  expect(change.searchParams.get("callbackUrl")).toBe(back);
  // The form carries the way back; a crafted one to another site becomes the dashboard's home.
  const session = browser.jar(instance.baseURL).header;
  const wayBack = async (query: string) => /name="callbackUrl" value="([^"]*)"/.exec(await (await fetch(instance.url(`/change-password?${query}`), { headers: { cookie: session } })).text())?.[1];
  expect(await wayBack(new URLSearchParams({ callbackUrl: back }).toString())).toBe(back);
  expect(await wayBack("callbackUrl=%2F%2Fevil.example%2F")).toBe("/");
  // The change (here through the API the form's action calls the same service for), then the way back works.
  const changed = await call(instance, `/api/users/${created.id}/password`, {
    method: "PUT",
    headers: { cookie: session, origin: instance.baseURL },
    json: { old_password: created.password, new_password: "Fay's own passphrase, chosen 42" },
  });
  expect(changed.status, changed.text).toBe(200);
  const resumed = await browser.go(instance.url(back));
  const claims = await finish(config, started, resumed.url);
  expect(claims).toMatchObject({ email, sub: created.id });
});

test("a trusted proxy's header: the sign-in page passes the person straight through and back to the app", async () => {
  const header = await call(instance, "/api/settings/trusted-header", {
    method: "PUT",
    headers: auth,
    json: { enabled: true, trusted_ranges: ["127.0.0.1/32"], email_header: "Remote-Email", auto_create: true },
  });
  expect(header.status, header.text).toBe(200);
  const email = "pat.proxy@example.com";
  const config = await relyingParty();
  const started = await startSignIn(config);
  // The proxy adds its headers to every request of this browser.
  const browser = new Browser({ "remote-user": "pat.proxy", "remote-email": email });
  const landed = await browser.go(started.url.href);
  const claims = await finish(config, started, landed.url);
  expect(claims).toMatchObject({ email });
  // Without the header the same instance still asks on its sign-in page (the way back kept).
  const other = await startSignIn(config);
  await toSignInPage(new Browser(), other);
});
