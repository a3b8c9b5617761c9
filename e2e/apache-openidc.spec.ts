/**
 * A real, independent relying party against Latchkey's OpenID provider: Apache httpd with mod_auth_openidc
 * (Debian's packages, e2e/support/apache.ts), configured only through discovery as docs/oidc.md's
 * "Apache (mod_auth_openidc)" section says, with Chromium as the person. A person signs in with a password and
 * Apache's page shows the claims it got; a second visit while signed in to Latchkey asks nothing; a person outside
 * the app's allowed groups is refused; logout through mod_auth_openidc reaches Latchkey's end-session endpoint
 * and ends both sessions; Apache as a resource server accepts Latchkey's access tokens by introspection; and with
 * offline_access Apache refreshes the access token, following the rotated refresh tokens.
 */
import crypto from "node:crypto";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { bearer, call } from "./support/api";
import { startApache, type Apache } from "./support/apache";
import { freePort } from "./support/ports";
import { expectToLandOn, signInForApp } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { personWithSession, type Person } from "./support/people";
import { registerApp, type RegisteredApp } from "./support/provider-client";
import { noteSecret } from "./support/secrets";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

/** The group the app admits, and another the member is in (Apache gets both names). */
const GROUP = "wiki-editors";
const OTHER_GROUP = "night shift";
let apache: Apache;
let app: RegisteredApp;
let member: Person;
let outsider: Person;
let auth: Record<string, string>;

/** The protected page: what the app behind Apache sees of the person (mod_auth_openidc's OIDC_CLAIM_* variables). */
const CLAIMS = ["sub", "email", "email_verified", "name", "preferred_username", "groups"];
const PAGE = [
  "<!doctype html><html lang=en><title>Wiki</title><h1>Wiki</h1><dl>",
  ...CLAIMS.map((c) => `<dt>${c}</dt><dd id="claim-${c}"><!--#echo var="OIDC_CLAIM_${c}" --></dd>`),
  `<dt>REMOTE_USER</dt><dd id="remote-user"><!--#echo var="REMOTE_USER" --></dd>`,
  "</dl></html>",
].join("\n");

/** The configuration docs/oidc.md shows, on loopback: only discovery, the client, scopes, PKCE. */
function site(port: number, latchkey: string, client: RegisteredApp): string {
  return `
OIDCProviderMetadataURL ${latchkey}/.well-known/openid-configuration
OIDCClientID ${client.client_id}
OIDCClientSecret ${client.client_secret}
OIDCRedirectURI http://127.0.0.1:${port}/app/redirect_uri
OIDCCryptoPassphrase ${crypto.randomBytes(24).toString("base64url")}
OIDCScope "openid email profile groups"
OIDCPKCEMethod S256
OIDCRemoteUserClaim sub
OIDCInfoHook iat access_token access_token_expires id_token userinfo

<Location /app>
  AuthType openid-connect
  Require valid-user
</Location>
<Directory "{root}/app">
  Options +Includes
  SetOutputFilter INCLUDES
  ForceType text/html
</Directory>

# A path whose sign-in asks for a refresh token (offline_access needs prompt=consent: OpenID Connect Core §11),
# and an access token always "about to expire" (Latchkey's live 10 minutes): every visit refreshes it.
OIDCRefreshAccessTokenBeforeExpiry 3600 logout_on_error
<Location /offline>
  AuthType openid-connect
  OIDCPathScope "offline_access"
  OIDCPathAuthRequestParams "prompt=consent"
  Require valid-user
</Location>
<Directory "{root}/offline">
  Options +Includes
  SetOutputFilter INCLUDES
  ForceType text/html
</Directory>

# Apache as a resource server: a bearer token from Latchkey, checked by introspection.
OIDCOAuthServerMetadataURL ${latchkey}/.well-known/openid-configuration
OIDCOAuthClientID ${client.client_id}
OIDCOAuthClientSecret ${client.client_secret}
OIDCOAuthIntrospectionEndpointAuth client_secret_basic
OIDCOAuthRemoteUserClaim sub
# Introspect on every request: a token Latchkey revoked (sign-out, blocking) is refused at once, not only at its expiry.
OIDCOAuthTokenIntrospectionInterval -1
<Location /api>
  AuthType oauth20
  Require valid-user
</Location>
<Directory "{root}/api">
  Options +Includes
  SetOutputFilter INCLUDES
  ForceType text/plain
</Directory>
`;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: GROUP } });
  expect(group.status, group.text).toBe(200);
  const other = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: OTHER_GROUP } });
  expect(other.status, other.text).toBe(200);
  member = await personWithSession(instance, auth, "user", "wendy@example.com", { username: "wendy", name: "Wendy Wiki", auto_groups: [group.body.id, other.body.id] });
  outsider = await personWithSession(instance, auth, "user", "olaf@example.com", { username: "olaf", name: "Olaf Outside" });

  const port = await freePort();
  app = await registerApp(instance, auth, {
    name: "Wiki",
    type: "web",
    redirect_uris: [`http://127.0.0.1:${port}/app/redirect_uri`],
    post_logout_redirect_uris: [`http://127.0.0.1:${port}/signed-out.html`],
    access: "groups",
    allowed_groups: [group.body.id],
  });
  apache = await startApache({
    port,
    site: site(port, instance.baseURL, app),
    files: {
      "app/index.html": PAGE,
      // The app behind Apache also gets the access token (OIDC_access_token): this page shows it.
      "offline/index.html": PAGE.replace("</dl>", `<dt>access token</dt><dd id="access-token"><!--#echo var="OIDC_access_token" --></dd></dl>`),
      "api/whoami.txt": `<!--#echo var="REMOTE_USER" -->`,
      "signed-out.html": "<!doctype html><html lang=en><title>Signed out</title><h1>Signed out of the wiki</h1></html>",
    },
  });
});

test.afterAll(async () => {
  if (process.env.APACHE_OIDC_LOG) console.log(apache?.errorLog());
  await apache?.stop();
});

async function expectClaimsOf(page: Page, who: Person) {
  await expectToLandOn(page, "Wiki", { timeout: 30_000 });
  expect(page.url()).toBe(apache.url("/app/index.html"));
  await expect(page.locator("#claim-sub")).toHaveText(who.id);
  await expect(page.locator("#remote-user")).toHaveText(who.id);
  await expect(page.locator("#claim-email")).toHaveText(who.email);
  await expect(page.locator("#claim-email_verified")).toHaveText("1");
  await expect(page.locator("#claim-name")).toHaveText("Wendy Wiki");
  await expect(page.locator("#claim-preferred_username")).toHaveText("wendy");
  // mod_auth_openidc joins an array claim's values with "," (OIDCClaimDelimiter).
  expect(((await page.locator("#claim-groups").textContent()) ?? "").split(",").sort()).toEqual([OTHER_GROUP, GROUP].sort());
}

/** What mod_auth_openidc holds for the browser's session (its info hook), read in the browser as the app would. */
async function sessionInfo(context: BrowserContext) {
  const res = await context.request.get(apache.url("/app/redirect_uri?info=json"));
  expect(res.status(), await res.text()).toBe(200);
  const info = (await res.json()) as { id_token: Record<string, unknown>; userinfo: Record<string, unknown>; access_token: string };
  noteSecret(info.access_token);
  return info;
}

let signedIn: BrowserContext;

test("a person signs in to the Apache-protected app on Latchkey's page and Apache gets who they are", async ({ browser }) => {
  signedIn = await browser.newContext();
  const page = await signedIn.newPage();
  await page.goto(apache.url("/app/index.html"));
  await signInForApp(page, instance.baseURL, member.email, member.password);
  await expectClaimsOf(page, member);

  // The same claims in the ID token and at userinfo, as mod_auth_openidc verified and fetched them.
  const info = await sessionInfo(signedIn);
  expect(info.id_token).toMatchObject({ iss: instance.baseURL, aud: app.client_id, sub: member.id, email: member.email, name: "Wendy Wiki", preferred_username: "wendy" });
  expect(info.userinfo).toMatchObject({ sub: member.id, email: member.email, email_verified: true, name: "Wendy Wiki", preferred_username: "wendy" });
  for (const claims of [info.id_token, info.userinfo]) expect([...(claims.groups as string[])].sort()).toEqual([OTHER_GROUP, GROUP].sort());
});

test("already signed in to Latchkey, a new visit to Apache goes through Latchkey and asks nothing", async () => {
  // Apache's session is gone (its cookie dropped); Latchkey's remains.
  await signedIn.clearCookies({ name: /^mod_auth_openidc/ });
  const page = await signedIn.newPage();
  const visited: string[] = [];
  page.on("framenavigated", (frame) => frame === page.mainFrame() && visited.push(frame.url()));
  const toLatchkey = page.waitForRequest((r) => r.url().startsWith(`${instance.baseURL}/oidc/auth`));
  await page.goto(apache.url("/app/index.html"));
  await toLatchkey;
  await expectClaimsOf(page, member);
  expect(visited.filter((u) => u.startsWith(instance.baseURL))).toEqual([]);
  await page.close();
});

test("Apache as a resource server accepts the person's Latchkey access token by introspection, and nothing else", async () => {
  const { access_token } = await sessionInfo(signedIn);
  const ok = await fetch(apache.url("/api/whoami.txt"), { headers: { authorization: `Bearer ${access_token}` } });
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe(member.id);
  const forged = await fetch(apache.url("/api/whoami.txt"), { headers: { authorization: `Bearer ${access_token.slice(0, -2)}xx` } });
  expect(forged.status).toBe(401);
  expect((await fetch(apache.url("/api/whoami.txt"))).status).toBe(401);
});

test("with offline_access, Apache refreshes the access token at Latchkey on each visit, following the rotated refresh token", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(apache.url("/offline/index.html"));
  await signInForApp(page, instance.baseURL, member.email, member.password);
  await expectToLandOn(page, "Wiki", { timeout: 30_000 });
  const accessToken = async () => {
    await expect(page.locator("#claim-sub")).toHaveText(member.id);
    const token = (await page.locator("#access-token").textContent()) ?? "";
    noteSecret(token);
    return token;
  };
  const seen = [await accessToken()];
  // Page visits only: mod_auth_openidc's info hook refreshes too but doesn't keep what it got (docs/oidc.md).
  for (let visit = 0; visit < 2; visit++) {
    await page.goto(apache.url("/offline/index.html"));
    seen.push(await accessToken());
  }
  // Three different access tokens: each visit a refresh grant, each with the refresh token the one before returned.
  expect(new Set(seen).size).toBe(3);
  const ok = await fetch(apache.url("/api/whoami.txt"), { headers: { authorization: `Bearer ${seen[2]}` } });
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe(member.id);
  expect(apache.errorLog()).not.toContain("could not be refreshed");
  await context.close();
});

test("logout through mod_auth_openidc reaches Latchkey's end-session page, and both sessions end", async ({ browser }) => {
  const page = await signedIn.newPage();
  const apacheSession = (await signedIn.cookies(apache.baseURL)).filter((c) => c.name.startsWith("mod_auth_openidc_session"));
  expect(apacheSession.length).toBeGreaterThan(0);
  const { access_token } = await sessionInfo(signedIn);

  await page.goto(apache.url(`/app/redirect_uri?logout=${encodeURIComponent(apache.url("/signed-out.html"))}`));
  await expectToLandOn(page, "Sign out of apps?", { timeout: 30_000 });
  expect(page.url().startsWith(`${instance.baseURL}/oidc/session/end`)).toBe(true);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectToLandOn(page, "Signed out of the wiki");
  expect(page.url()).toBe(apache.url("/signed-out.html"));

  // Apache's page now sends the browser to Latchkey's sign-in again: neither session is left.
  await page.goto(apache.url("/app/index.html"));
  await expect(page).toHaveURL(new RegExp(`^${instance.baseURL}/login\\?callbackUrl=`), { timeout: 30_000 });
  // The old Apache session cookie, replayed in a fresh browser, is refused too (mod_auth_openidc dropped it server-side).
  const replay = await browser.newContext();
  await replay.addCookies(apacheSession);
  const replayed = await replay.request.get(apache.url("/app/index.html"), { maxRedirects: 0 });
  expect(replayed.status()).toBe(302);
  expect(replayed.headers()["location"]).toMatch(new RegExp(`^${instance.baseURL}/oidc/auth\\?`));
  await replay.close();
  // Latchkey ended the app's grant with the sign-out: its access token no longer passes Apache's introspection.
  const after = await fetch(apache.url("/api/whoami.txt"), { headers: { authorization: `Bearer ${access_token}` } });
  expect(after.status).toBe(401);
  await signedIn.close();
});

test("a person outside the app's allowed groups is refused: Latchkey's page says why, Apache doesn't let them in, and Latchkey records why", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(apache.url("/app/index.html"));
  await signInForApp(page, instance.baseURL, outsider.email, outsider.password);
  // Latchkey says why itself: apps show an access_denied in their own words or not at all.
  await expect(page.getByRole("heading", { name: "You don't have access to Wiki" })).toBeVisible();
  await expect(page.getByText("ask an admin to add you")).toBeVisible();
  // "Back to Wiki" sends the app access_denied with its reason (and, as RFC 9207 requires, Latchkey's issuer in `iss`).
  const refusal = page.waitForRequest((r) => r.url().startsWith(apache.url("/app/redirect_uri?")) && new URL(r.url()).searchParams.has("error"));
  await page.getByRole("button", { name: "Back to Wiki" }).click();
  const answer = new URL((await refusal).url()).searchParams;
  expect(answer.get("error")).toBe("access_denied");
  expect(answer.get("error_description")).toBe("You don't have access to Wiki. Ask an admin.");
  expect(answer.get("iss")).toBe(instance.baseURL);
  // mod_auth_openidc (2.4.12, and its later versions alike) reads any `iss` at its redirect URI as a third-party
  // login before it looks for `error`, so its page says "Invalid Request" instead of the reason (docs/oidc.md).
  await expect(page.getByText("Invalid Request")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Wiki" })).toHaveCount(0);
  // No Apache session; still signed in to Latchkey, a second try is sent to Latchkey again, not let in.
  expect((await context.cookies(apache.baseURL)).map((c) => c.name)).not.toContain("mod_auth_openidc_session");
  const again = await context.request.get(apache.url("/app/index.html"), { maxRedirects: 0 });
  expect(again.status()).toBe(302);
  expect(again.headers()["location"]).toMatch(new RegExp(`^${instance.baseURL}/oidc/auth\\?`));
  // Latchkey's activity log says who was refused at which app, and why.
  const events = await call<Array<{ activity_code: string; initiator_id: string; target_name?: string; meta: Record<string, unknown> }>>(instance, "/api/events", { headers: auth });
  expect(events.body.find((e) => e.activity_code === "app.sign_in.refused")).toMatchObject({ initiator_id: outsider.id, meta: { client_id: app.client_id, reason: "not_in_allowed_groups" } });
  await context.close();
});

test("signed in with the wrong account, the refused person chooses 'Use another account' and gets into Apache as the other", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(apache.url("/app/index.html"));
  await signInForApp(page, instance.baseURL, outsider.email, outsider.password);
  await expect(page.getByRole("heading", { name: "You don't have access to Wiki" })).toBeVisible();
  await expect(page.getByText("signed in to Latchkey as Olaf Outside (olaf@example.com)")).toBeVisible();
  await page.getByRole("button", { name: "Use another account" }).click();
  // Signed out of Latchkey, on the sign-in page, still on the way to the wiki.
  await signInForApp(page, instance.baseURL, member.email, member.password);
  await expectClaimsOf(page, member);
  await context.close();
});
