/**
 * The OpenID provider answers each endpoint at exactly one spelling (lib/oidc/paths.ts isExactProviderPath).
 * Found by round 13's review: oidc-provider's router also routes "/oidc/token/", "/oidc/TOKEN" and
 * "/device/", but Latchkey's rules kept by path did not apply there: the guessing limits
 * (lib/oidc/attempt-limits.ts: wrong client secrets, device codes, user codes typed at /device) never
 * counted or refused, and the token endpoint's writes weren't held for one unit of work, so on
 * PostgreSQL one refresh token used 8 times at once minted 8 token pairs.
 */
import { expect, test } from "@playwright/test";
import { bearer, CookieJar, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { basicAuth, postForm, registerApp, type RegisteredApp } from "../support/provider-client";
import { noteSecret } from "../support/secrets";

const instance = useInstance({ PUBLIC_URL: "{baseURL}", TRUST_PROXY: "true" });
// Not serial: each test is its own proof, and all should be seen failing.
test.describe.configure({ mode: "default" });

const REDIRECT = "http://127.0.0.1:9/callback";

let auth: Record<string, string>;
let web: RegisteredApp;

const register = (json: Record<string, unknown>) => registerApp(instance, auth, json);
const post = (path: string, address: string, form: Record<string, string>, authorization?: string) => postForm(instance, path, address, form, authorization);

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  web = await register({ name: "Grafana", type: "web", redirect_uris: [REDIRECT] });
});

test("other spellings of the provider's endpoints are refused before the provider answers them", async () => {
  const wrong = basicAuth(web.client_id, "lks_not-the-secret-of-this-app-at-all-0000");
  // The exact path answers (the provider authenticates the client there) …
  const exact = await post("/oidc/token", "198.51.100.20", { grant_type: "refresh_token", refresh_token: "x" }, wrong);
  expect(exact.body.error, exact.text).toBe("invalid_client");
  // … every other spelling is a 404 that never reaches it (nothing to count, nothing to write).
  for (const path of ["/oidc/token/", "/oidc/TOKEN", "/oidc/Token/introspection", "/oidc/token/revocation/", "/oidc/me/", "/oidc/device/auth/", "/device/"]) {
    const res = await post(path, "198.51.100.21", { grant_type: "refresh_token", refresh_token: "x" }, wrong);
    expect(res.status, `${path}: ${res.text}`).toBe(404);
  }
  const page = await fetch(instance.url("/device/"));
  expect(page.status).toBe(404);
  await page.text();
});

/** A refresh token of `app` for the owner: code + PKCE, offline_access (with prompt=consent, as OpenID Connect wants). */
async function refreshToken(app: RegisteredApp): Promise<string> {
  const crypto = await import("node:crypto");
  const jar = new CookieJar();
  const session = await signInOrFail(instance, OWNER.email, OWNER.password);
  for (const part of session.split("; ")) jar.update(new Headers([["set-cookie", part]]));
  const verifier = crypto.randomBytes(32).toString("base64url");
  const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
  const query = { client_id: app.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access", prompt: "consent", code_challenge: challenge, code_challenge_method: "S256", state: "s" };
  let next = instance.url(`/oidc/auth?${new URLSearchParams(query)}`);
  for (let hop = 0; hop < 10 && next.startsWith(instance.baseURL); hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.header } });
    jar.update(res.headers);
    await res.text();
    next = new URL(res.headers.get("location") ?? "", next).href;
  }
  const code = new URL(next).searchParams.get("code");
  expect(code, next).toBeTruthy();
  const res = await post("/oidc/token", "198.51.100.30", { grant_type: "authorization_code", code: code!, redirect_uri: REDIRECT, code_verifier: verifier }, basicAuth(web.client_id, web.client_secret!));
  expect(res.status, res.text).toBe(200);
  const token = (res.body as { refresh_token?: string }).refresh_token;
  expect(token, res.text).toBeTruthy();
  noteSecret(token);
  return token!;
}

/** `n` refresh grants with one refresh token at once; how many handed out new tokens. */
async function concurrentRefreshes(path: string, token: string, n: number): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: n }, () => post(path, "198.51.100.31", { grant_type: "refresh_token", refresh_token: token }, basicAuth(web.client_id, web.client_secret!))),
  );
  for (const a of answers) if (a.status === 200) noteSecret((a.body as { refresh_token?: string }).refresh_token);
  return answers.map((a) => a.status);
}

test("one refresh token used 8 times at once mints at most one new pair, and /oidc/token/ mints none", async () => {
  const exact = await concurrentRefreshes("/oidc/token", await refreshToken(web), 8);
  expect(exact.filter((s) => s === 200).length, `at /oidc/token: ${exact.join(",")}`).toBeLessThanOrEqual(1);
  // Before, /oidc/token/ reached the provider without the token endpoint's single unit of work: on
  // PostgreSQL its consume and mint were separate writes, and one refresh token minted 8 pairs.
  const variant = await concurrentRefreshes("/oidc/token/", await refreshToken(web), 8);
  expect(variant, `at /oidc/token/: ${variant.join(",")}`).toEqual(Array(8).fill(404));
});
