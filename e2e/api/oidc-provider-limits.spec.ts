/**
 * Guessing limits on the OpenID provider (issue 15): failed client
 * authentication (a wrong secret) and unknown device codes at the token,
 * introspection, revocation and device-authorization endpoints count per
 * client address (30 per 15 minutes) and per client (100); user codes on
 * /device that match no device count per address (20). Past an address's
 * limit: 429 in OAuth's error shape with Retry-After, whatever the request
 * presents, so the next guess from it can't succeed; past a client's, its
 * failures are (its own requests that authenticate go on: review 46).
 * Successful requests are never counted.
 *
 * A fresh server for this file, behind a "proxy" on loopback (TRUST_PROXY),
 * so each test plays its own client addresses with X-Forwarded-For.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, CookieJar, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { basicAuth, postForm, registerApp, type RegisteredApp } from "../support/provider-client";
import { noteSecret } from "../support/secrets";

const instance = useInstance({ PUBLIC_URL: "{baseURL}", TRUST_PROXY: "true" });
test.describe.configure({ mode: "serial" });

const REDIRECT = "http://127.0.0.1:9/callback";
const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

type Registered = RegisteredApp;
let auth: Record<string, string>;
let owner: { email: string; password: string };
let web: Registered;
let other: Registered;
let device: Registered;

const register = (json: Record<string, unknown>) => registerApp(instance, auth, json);
const basic = basicAuth;
/** A form POST to one of the provider's endpoints, as a client at `address`. */
const post = (path: string, address: string, form: Record<string, string>, authorization?: string) => postForm(instance, path, address, form, authorization);

function expectLimited(res: Awaited<ReturnType<typeof post>>, what: string) {
  expect(res.status, `${what}: ${res.text}`).toBe(429);
  expect(res.body.error, what).toBe("temporarily_unavailable");
  expect(res.body.error_description, what).toMatch(/too many failed attempts/i);
  const seconds = Number(res.retryAfter);
  expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 15 * 60, `${what}: Retry-After ${res.retryAfter}`).toBe(true);
}

/** An access token of `app`, from a code + PKCE sign-in by the owner. */
async function accessToken(app: Registered): Promise<string> {
  const jar = new CookieJar();
  const session = await signInOrFail(instance, owner.email, owner.password);
  for (const part of session.split("; ")) jar.update(new Headers([["set-cookie", part]]));
  const verifier = crypto.randomBytes(32).toString("base64url");
  const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
  let next = instance.url(
    `/oidc/auth?${new URLSearchParams({ client_id: app.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "s" })}`,
  );
  for (let hop = 0; hop < 10 && next.startsWith(instance.baseURL); hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.header } });
    jar.update(res.headers);
    await res.text();
    next = new URL(res.headers.get("location") ?? "", next).href;
  }
  const code = new URL(next).searchParams.get("code");
  expect(code, next).toBeTruthy();
  const res = await post("/oidc/token", "198.51.100.250", { grant_type: "authorization_code", code: code!, redirect_uri: REDIRECT, code_verifier: verifier }, basic(app.client_id, app.client_secret!));
  expect(res.status, res.text).toBe(200);
  const token = (res.body as { access_token?: string }).access_token!;
  noteSecret(token);
  return token;
}

test.beforeAll(async () => {
  owner = OWNER;
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  web = await register({ name: "Grafana", type: "web", redirect_uris: [REDIRECT] });
  other = await register({ name: "Gitea", type: "web", redirect_uris: [REDIRECT] });
  device = await register({ name: "CLI", type: "device", redirect_uris: [] });
});

test("an app that authenticates is never counted: 60 introspections from one address all answer", async () => {
  const token = await accessToken(web);
  for (let i = 1; i <= 60; i++) {
    const res = await post("/oidc/token/introspection", "198.51.100.1", { token }, basic(web.client_id, web.client_secret!));
    expect(res.status, `introspection ${i}: ${res.text}`).toBe(200);
    expect(res.body.active).toBe(true);
  }
});

test("30 wrong secrets from one address, then that address is refused everywhere (429, Retry-After), even with the right secret", async () => {
  const address = "198.51.100.2";
  const wrong = basic(web.client_id, "lks_not-the-secret-of-this-app-at-all-0000");
  for (let i = 1; i <= 30; i++) {
    const path = ["/oidc/token", "/oidc/token/introspection", "/oidc/token/revocation"][i % 3];
    const form: Record<string, string> = path === "/oidc/token" ? { grant_type: "refresh_token", refresh_token: "x" } : { token: "x" };
    const res = await post(path, address, form, wrong);
    expect(res.status, `attempt ${i} at ${path}: ${res.text}`).toBe(401);
    expect(res.body.error).toBe("invalid_client");
  }
  expectLimited(await post("/oidc/token/introspection", address, { token: "x" }, wrong), "the 31st wrong secret");
  expectLimited(await post("/oidc/token/introspection", address, { token: "x" }, basic(web.client_id, web.client_secret!)), "the right secret from that address");
  expectLimited(await post("/oidc/device/auth", address, { client_id: device.client_id, scope: "openid" }), "device authorization from that address");
  // Another address is not affected.
  const elsewhere = await post("/oidc/token/introspection", "198.51.100.3", { token: "x" }, basic(web.client_id, web.client_secret!));
  expect(elsewhere.status, elsewhere.text).toBe(200);
  expect(elsewhere.body.active).toBe(false);
});

test("100 wrong secrets for one app from many addresses, then that app's failures are refused from any address, and its own secret still works (review 46); other apps still answer", async () => {
  const wrong = basic(other.client_id, "lks_not-the-secret-of-this-app-at-all-0000");
  for (let i = 0; i < 100; i++) {
    const res = await post("/oidc/token/introspection", `203.0.113.${Math.floor(i / 20) + 1}`, { token: "x" }, wrong);
    expect(res.status, `attempt ${i + 1}: ${res.text}`).toBe(401);
  }
  expectLimited(await post("/oidc/token/introspection", "203.0.113.97", { token: "x" }, wrong), "the 101st wrong secret, from a fresh address");
  // The secret sent in the form (client_secret_post) is the same client.
  expectLimited(await post("/oidc/token/introspection", "203.0.113.98", { token: "x", client_id: other.client_id, client_secret: "lks_also-not-it" }), "client_secret_post");
  // The client_id is no secret: whoever sent those failures must not lock the app itself out (no sign-in, no refresh).
  const itself = await post("/oidc/token/introspection", "203.0.113.99", { token: "x" }, basic(other.client_id, other.client_secret!));
  expect(itself.status, itself.text).toBe(200);
  const unaffected = await post("/oidc/token/introspection", "203.0.113.99", { token: "x" }, basic(web.client_id, web.client_secret!));
  expect(unaffected.status, unaffected.text).toBe(200);
});

test("guessed device codes: 30 unknown ones from one address, then 429; a started device flow from elsewhere still polls", async () => {
  const address = "198.51.100.4";
  for (let i = 1; i <= 30; i++) {
    const res = await post("/oidc/token", address, { grant_type: DEVICE_CODE_GRANT, device_code: crypto.randomBytes(32).toString("base64url"), client_id: device.client_id });
    expect(res.status, `guess ${i}: ${res.text}`).toBe(400);
    expect(res.body.error).toBe("invalid_grant");
  }
  expectLimited(await post("/oidc/token", address, { grant_type: DEVICE_CODE_GRANT, device_code: "x", client_id: device.client_id }), "the 31st guess");
  const started = await post("/oidc/device/auth", "198.51.100.5", { client_id: device.client_id, scope: "openid" });
  expect(started.status, started.text).toBe(200);
  const deviceCode = (started.body as { device_code?: string }).device_code!;
  noteSecret(deviceCode);
  const polled = await post("/oidc/token", "198.51.100.5", { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: device.client_id });
  expect(polled.body.error, polled.text).toBe("authorization_pending");
});

test("guessed user codes on /device: 20 that match nothing from one address, then the page refuses with 429", async () => {
  const address = "198.51.100.6";
  const jar = new CookieJar();
  const session = await signInOrFail(instance, owner.email, owner.password);
  for (const part of session.split("; ")) jar.update(new Headers([["set-cookie", part]]));
  const enter = async (userCode: string) => {
    const form = await fetch(instance.url("/device"), { headers: { cookie: jar.header, "x-forwarded-for": address } });
    jar.update(form.headers);
    const html = await form.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const res = await fetch(instance.url("/device"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header, "x-forwarded-for": address },
      body: new URLSearchParams({ xsrf: xsrf ?? "", user_code: userCode }),
    });
    jar.update(res.headers);
    return { status: res.status, body: await res.text(), retryAfter: res.headers.get("retry-after"), hadForm: xsrf !== undefined };
  };
  for (let i = 1; i <= 20; i++) {
    const res = await enter("BCDF-GHJK");
    expect(res.hadForm, `attempt ${i}: no form`).toBe(true);
    expect(res.status, `attempt ${i}`).toBe(200);
    expect(res.body, `attempt ${i}`).toMatch(/not valid|expired/i);
  }
  const refused = await enter("BCDF-GHJK");
  expect(refused.status).toBe(429);
  expect(refused.body).toMatch(/too many codes that didn(&#39;|')t match/i);
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
});
