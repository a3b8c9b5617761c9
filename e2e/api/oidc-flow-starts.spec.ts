/**
 * Starting an OpenID flow without a Latchkey session stores a row for whoever asks (a device code at the
 * device authorization endpoint, a sign-in interaction for an authorization request), so one address may
 * start at most OIDC_FLOW_STARTS_PER_5_MIN (100) in five minutes; the next get 429 (round 13's review:
 * only failures were counted, and one address could add rows as fast as it could send requests).
 * A browser with a live session isn't counted; a cookie that only looks like one is.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, call, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { noteSecret } from "../support/secrets";

const instance = useInstance({ PUBLIC_URL: "{baseURL}", TRUST_PROXY: "true" });
test.describe.configure({ mode: "default" });

const REDIRECT = "http://127.0.0.1:9/callback";
const ALLOWED = 100;
let device: { client_id: string };
let spa: { client_id: string };

test.beforeAll(async () => {
  const auth = bearer((await setUpOwner(instance)).personal_access_token);
  const register = async (json: Record<string, unknown>) => {
    const res = await call<{ client_id: string; client_secret?: string }>(instance, "/api/applications", { method: "POST", headers: auth, json });
    expect(res.status, res.text).toBe(201);
    noteSecret(res.body.client_secret);
    return res.body;
  };
  device = await register({ name: "CLI", type: "device" });
  spa = await register({ name: "Dashboard", type: "spa", redirect_uris: [REDIRECT] });
});

test(`device authorizations from one address without anyone signing in: refused past ${ALLOWED}`, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < ALLOWED + 20; i++) {
    const res = await fetch(instance.url("/oidc/device/auth"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.51.100.40" },
      body: new URLSearchParams({ client_id: device.client_id, scope: "openid" }),
    });
    const body = (await res.json()) as { device_code?: string };
    noteSecret(body.device_code);
    statuses.push(res.status);
  }
  expect(statuses.slice(0, ALLOWED).every((s) => s === 200), statuses.join(",")).toBe(true);
  expect(statuses.slice(ALLOWED), statuses.join(",")).toEqual(Array(20).fill(429));
});

test(`authorization requests from one address without a session: refused past ${ALLOWED}`, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < ALLOWED + 20; i++) {
    const challenge = crypto.createHash("sha256").update(crypto.randomBytes(32)).digest("base64url");
    const query = { client_id: spa.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: String(i) };
    const res = await fetch(instance.url(`/oidc/auth?${new URLSearchParams(query)}`), { redirect: "manual", headers: { "x-forwarded-for": "198.51.100.41" } });
    await res.text();
    // 303 to /login: an interaction was stored for this request.
    statuses.push(res.status);
  }
  expect(statuses.slice(0, ALLOWED).every((s) => s === 303), statuses.join(",")).toBe(true);
  expect(statuses.slice(ALLOWED), statuses.join(",")).toEqual(Array(20).fill(429));
});

test(`a session cookie that is no session doesn't exempt an address: refused past ${ALLOWED} all the same`, async () => {
  // Round 14's review: any cookie named like Auth.js's session skipped the count, so "authjs.session-token=junk"
  // stored interactions without limit. Only a session that resolves to a live one is exempt.
  const statuses: number[] = [];
  for (let i = 0; i < ALLOWED + 5; i++) {
    const challenge = crypto.createHash("sha256").update(crypto.randomBytes(32)).digest("base64url");
    const query = { client_id: spa.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: String(i) };
    const cookie = i % 2 === 0 ? "authjs.session-token=junk" : "__Secure-authjs.session-token.0=junk";
    const res = await fetch(instance.url(`/oidc/auth?${new URLSearchParams(query)}`), { redirect: "manual", headers: { "x-forwarded-for": "198.51.100.42", cookie } });
    await res.text();
    statuses.push(res.status);
  }
  expect(statuses.slice(0, ALLOWED).every((s) => s === 303), statuses.join(",")).toBe(true);
  expect(statuses.slice(ALLOWED), statuses.join(",")).toEqual(Array(5).fill(429));

  // The same address with a live session still starts sign-ins (it isn't counted; its limit is used up).
  const session = await signInOrFail(instance, OWNER.email, OWNER.password);
  const challenge = crypto.createHash("sha256").update(crypto.randomBytes(32)).digest("base64url");
  const query = { client_id: spa.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "live" };
  const res = await fetch(instance.url(`/oidc/auth?${new URLSearchParams(query)}`), { redirect: "manual", headers: { "x-forwarded-for": "198.51.100.42", cookie: session } });
  await res.text();
  expect(res.status).toBe(303);
});

test("pushed authorization requests are off: not in discovery, and /oidc/request answers as an unknown path", async () => {
  // Round 14's review: PAR (on by default in oidc-provider) stored a row per request for a public client and let
  // anyone guess a client's secret there, outside every guessing limit. No app Latchkey serves needs it.
  const meta = (await (await fetch(instance.url("/.well-known/openid-configuration"))).json()) as Record<string, unknown>;
  expect(meta).not.toHaveProperty("pushed_authorization_request_endpoint");
  expect(meta).not.toHaveProperty("require_pushed_authorization_requests");
  const challenge = crypto.createHash("sha256").update(crypto.randomBytes(32)).digest("base64url");
  const form = { client_id: spa.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256" };
  const unknown = await fetch(instance.url("/oidc/no-such-endpoint"), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
  const par = await fetch(instance.url("/oidc/request"), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
  expect(par.status).toBe(404);
  expect(await par.text()).toBe(await unknown.text());
});
