/**
 * The OpenID Foundation's certification test plans for a provider (Basic OP, Config OP, Form Post, RP-initiated
 * logout; dynamic registration excluded: apps are registered by the owner), played by hand against Latchkey's
 * provider on a loopback port, fetch with a cookie jar as the browser (review 30, docs/security.md). The modules
 * already held by other tests (prompt=none and prompt=login, max_age, login_hint, request objects, the device flow,
 * refresh-token reuse) are there; these are the rest, named after the suite's modules.
 */
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { resolveSession } from "@/lib/sessions/sessions";
import { createUser, META, startSession } from "@/test/factories";
import { browseWithin, keepCookies, signedInJar } from "@/test/provider-browser";
import { startProviderServer } from "@/test/provider-server";

const REDIRECT = "http://127.0.0.1:9/callback";
const SIGNED_OUT = "http://127.0.0.1:9/signed-out";

type App = { clientId: string; secret: string };
let provider: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;
let owner: { id: string; accountId: string };
let web: App;
let other: App;

async function registerWeb(name: string, postLogout: string[] = []): Promise<App> {
  const input = createApplicationSchema.parse({ name, type: "web", redirect_uris: [REDIRECT], post_logout_redirect_uris: postLogout });
  const { application, clientSecret } = await createApplication(await startSession(owner), input, META);
  return { clientId: application.clientId, secret: clientSecret! };
}

beforeAll(async () => {
  provider = await startProviderServer();
  base = provider.base;
  owner = { id: provider.ownerId, accountId: provider.accountId };
  web = await registerWeb("Wiki", [SIGNED_OUT]);
  other = await registerWeb("Tracker");
});

afterAll(() => provider.close());

const basic = (app: App) => `Basic ${Buffer.from(`${app.clientId}:${app.secret}`).toString("base64")}`;

function authorizationUrl(app: App, params: Record<string, string> = {}): URL {
  const query = new URLSearchParams({ client_id: app.clientId, response_type: "code", redirect_uri: REDIRECT, scope: "openid", state: "st4te", nonce: "n0nce", ...params });
  return new URL(`${base}/oidc/auth?${query}`);
}

/** The authorization request in the browser: where Latchkey sent it (the app's redirect URI with its answer, or /login). */
async function authorize(jar: string[], app: App, params: Record<string, string> = {}) {
  return browseWithin(base, authorizationUrl(app, params), jar);
}

async function token(app: App, fields: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { authorization: basic(app), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A code for `app` in a browser signed in as the owner, and its tokens. */
async function signIn(app: App, params: Record<string, string> = {}, jar?: string[]) {
  const browser = jar ?? (await signedInJar(owner)).jar;
  const { left } = await authorize(browser, app, params);
  const code = left?.searchParams.get("code");
  if (!code) throw new Error(`no code: ${left}`);
  const tokens = await token(app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  expect(tokens.status).toBe(200);
  return { code, tokens: tokens.body, jar: browser };
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString()) as Record<string, unknown>;

async function userinfo(accessToken: string): Promise<number> {
  return (await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

describe("oidcc-discovery-endpoint-verification (the Config OP plan)", () => {
  it("the issuer is the address discovery is read at; each client authentication method an app uses is listed for each endpoint it authenticates at", async () => {
    const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(base);
    const methods = discovery.token_endpoint_auth_methods_supported;
    expect(methods).toEqual(["client_secret_basic", "client_secret_post", "none"]);
    expect(discovery.revocation_endpoint_auth_methods_supported).toEqual(methods);
    expect(discovery.introspection_endpoint_auth_methods_supported).toEqual(methods);
  });

  it("a device app (none) is let in at revocation and introspection, as discovery says", async () => {
    const input = createApplicationSchema.parse({ name: "CLI", type: "device" });
    const clientId = (await createApplication(await startSession(owner), input, META)).application.clientId;
    const form = (fields: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ client_id: clientId, ...fields }) });
    const introspected = await fetch(`${base}/oidc/token/introspection`, form({ token: "not-a-token" }));
    expect(await introspected.json()).toEqual({ active: false });
    expect((await fetch(`${base}/oidc/token/revocation`, form({ token: "not-a-token" }))).status).toBe(200);
  });
});

describe("oidcc-id-token-hint: the app asks for the person its ID token names", () => {
  it("that person signed in: a code for them, asked with prompt=none or not", async () => {
    const { tokens, jar } = await signIn(web);
    for (const prompt of [{ prompt: "none" }, {}] as Record<string, string>[]) {
      const again = await authorize(jar, web, { id_token_hint: tokens.id_token, ...prompt });
      expect(again.left?.searchParams.get("code")).toBeTruthy();
    }
  });

  it("someone else signed in: login_required with the state, never a code for the person signed in", async () => {
    const ann = await createUser(owner.accountId);
    const { tokens: annTokens } = await signIn(web, {}, (await signedInJar(ann)).jar);
    const { jar } = await signedInJar(owner);
    for (const prompt of [{ prompt: "none" }, {}, { prompt: "login" }] as Record<string, string>[]) {
      const { left } = await authorize(jar, web, { id_token_hint: annTokens.id_token, ...prompt });
      expect(`${left?.origin}${left?.pathname}`).toBe(REDIRECT);
      expect(Object.fromEntries(left!.searchParams)).toMatchObject({ error: "login_required", state: "st4te", iss: base });
    }
  });

  it("nobody signed in, and someone else signs in on the way: login_required, not a code for them", async () => {
    const ann = await createUser(owner.accountId);
    const { tokens: annTokens } = await signIn(web, {}, (await signedInJar(ann)).jar);
    const jar: string[] = [];
    const { left: toLogin } = await authorize(jar, web, { id_token_hint: annTokens.id_token });
    expect(toLogin?.pathname).toBe("/login");
    // The sign-in page's sign-in, as Auth.js ends it: the browser holds Olive's session and returns to the interaction.
    jar.push(...(await signedInJar(owner)).jar);
    const { left } = await browseWithin(base, new URL(toLogin!.searchParams.get("callbackUrl")!, base), jar);
    expect(Object.fromEntries(left!.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
  });
});

describe("oidcc-ensure-redirect-uri-in-authorization-request", () => {
  it("a request without redirect_uri is refused on Latchkey's page, though the app registered only one", async () => {
    const url = authorizationUrl(web);
    url.searchParams.delete("redirect_uri");
    const { status, body, left } = await browseWithin(base, url, (await signedInJar(owner)).jar, { headers: { accept: "text/html" } });
    expect(left).toBeUndefined();
    expect(status).toBe(400);
    expect(body).toContain("missing required parameter &#39;redirect_uri&#39;");
  });

  it("a code is exchanged only with the redirect URI it was issued for", async () => {
    const { left } = await authorize((await signedInJar(owner)).jar, web);
    const code = left!.searchParams.get("code")!;
    expect((await token(web, { grant_type: "authorization_code", code })).body.error).toBe("invalid_request");
    expect((await token(web, { grant_type: "authorization_code", code, redirect_uri: `${REDIRECT}/` })).body.error).toBe("invalid_grant");
  });
});

describe("oidcc-server and oidcc-codereuse", () => {
  it("the ID token: issuer, audience, nonce, at_hash, a key the JWKS publishes (public parts only), and only the scopes' claims", async () => {
    const { tokens } = await signIn(web, { scope: "openid email" });
    const [header] = tokens.id_token.split(".", 1).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()) as { alg: string; kid: string });
    const claims = claimsOf(tokens.id_token);
    expect(claims).toMatchObject({ iss: base, aud: web.clientId, sub: owner.id, nonce: "n0nce", email: "owner@example.com" });
    // acr and amr (how the person signed in: lib/oidc/authentication-context.ts) come with openid, as sub does.
    expect(Object.keys(claims).sort()).toEqual(["acr", "amr", "at_hash", "aud", "email", "email_verified", "exp", "iat", "iss", "nonce", "sub"]);
    expect(claims).toMatchObject({ acr: "urn:latchkey:acr:one-factor", amr: ["pwd"] });
    const jwks = (await (await fetch(`${base}/oidc/jwks`)).json()) as { keys: Array<Record<string, string>> };
    const key = jwks.keys.find((k) => k.kid === header.kid);
    expect(key).toMatchObject({ alg: "RS256", use: "sig" });
    expect(header.alg).toBe("RS256");
    for (const k of jwks.keys) expect(Object.keys(k).filter((name) => ["d", "p", "q", "dp", "dq", "qi", "k", "oth"].includes(name))).toEqual([]);
  });

  it("a code used twice: refused, and the tokens the first use gave are revoked (RFC 6749 §4.1.2)", async () => {
    const { code, tokens } = await signIn(web, { scope: "openid offline_access", prompt: "consent" });
    expect(await userinfo(tokens.access_token)).toBe(200);
    expect((await token(web, { grant_type: "authorization_code", code, redirect_uri: REDIRECT })).body.error).toBe("invalid_grant");
    expect(await userinfo(tokens.access_token)).toBe(401);
    expect((await token(web, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).body.error).toBe("invalid_grant");
  });

  it("a code is bound to its app: another app's credentials get invalid_grant", async () => {
    const { left } = await authorize((await signedInJar(owner)).jar, web);
    expect((await token(other, { grant_type: "authorization_code", code: left!.searchParams.get("code")!, redirect_uri: REDIRECT })).body.error).toBe("invalid_grant");
  });
});

describe("PKCE (RFC 7636, RFC 9700 §2.1.1)", () => {
  it("plain is refused at the redirect URI; a verifier without a challenge, or a challenge without its verifier, gets no tokens", async () => {
    const { jar } = await signedInJar(owner);
    const plain = await authorize(jar, web, { code_challenge: "a".repeat(43), code_challenge_method: "plain" });
    expect(Object.fromEntries(plain.left!.searchParams)).toMatchObject({ error: "invalid_request", state: "st4te" });
    const verifier = oidc.randomPKCECodeVerifier();
    const without = (await authorize(jar, web)).left!.searchParams.get("code")!;
    expect((await token(web, { grant_type: "authorization_code", code: without, redirect_uri: REDIRECT, code_verifier: verifier })).body.error).toBe("invalid_grant");
    const challenged = await authorize(jar, web, { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const code = challenged.left!.searchParams.get("code")!;
    expect((await token(web, { grant_type: "authorization_code", code, redirect_uri: REDIRECT })).body.error).toBe("invalid_grant");
  });
});

describe("oidcc-refresh-token", () => {
  it("a refresh may narrow the scope, not widen it, and only for its own app", async () => {
    const { tokens } = await signIn(web, { scope: "openid profile offline_access", prompt: "consent" });
    const widened = await token(web, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, scope: "openid profile email" });
    expect(widened.body.error).toBe("invalid_scope");
    expect((await token(other, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).body.error).toBe("invalid_grant");
    const narrowed = await token(web, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, scope: "openid" });
    expect(narrowed.body.scope).toBe("openid");
    expect(claimsOf(narrowed.body.id_token)).toMatchObject({ iss: base, aud: web.clientId, sub: owner.id });
    const me = await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${narrowed.body.access_token}` } });
    expect(await me.json()).toEqual({ sub: owner.id });
  });
});

describe("oidcc-form-post-basic-certification-test-plan", () => {
  it("response_mode=form_post posts the code, the state and the issuer to the redirect URI", async () => {
    const { status, body } = await authorize((await signedInJar(owner)).jar, web, { response_mode: "form_post" });
    expect(status).toBe(200);
    expect(body).toContain(`<form method="post" action="${REDIRECT}">`);
    expect(body).toMatch(/<input type="hidden" name="code" value="[\w-]+"\/>/);
    expect(body).toContain('<input type="hidden" name="state" value="st4te"/>');
    expect(body).toContain(`<input type="hidden" name="iss" value="${base}"/>`);
  });
});

describe("oidcc-rp-initiated-logout-certification-test-plan", () => {
  const endSession = (params: Record<string, string>) => new URL(`${base}/oidc/session/end?${new URLSearchParams(params)}`);

  it("a post-logout URI not registered (or with a query added), or a changed ID token hint: an error on Latchkey's page, no redirect", async () => {
    const { tokens, jar } = await signIn(web);
    const [header, , signature] = tokens.id_token.split(".");
    const changed = [header, Buffer.from(JSON.stringify({ ...claimsOf(tokens.id_token), sub: "someone" })).toString("base64url"), signature].join(".");
    const refused: Record<string, string>[] = [
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: "http://127.0.0.1:9/elsewhere" },
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: `${SIGNED_OUT}?x=1` },
      { client_id: other.clientId, post_logout_redirect_uri: SIGNED_OUT },
      { id_token_hint: changed, post_logout_redirect_uri: SIGNED_OUT },
    ];
    for (const params of refused) {
      const answer = await browseWithin(base, endSession({ ...params, state: "bye" }), jar, { headers: { accept: "text/html" } });
      expect(answer.left).toBeUndefined();
      expect(answer.status).toBe(400);
    }
  });

  it("confirmed: back to the registered URI with the state, the Latchkey session ended, and prompt=none then gets login_required", async () => {
    const { jar, sessionId } = await signedInJar(owner);
    const { tokens } = await signIn(web, {}, jar);
    const page = await browseWithin(base, endSession({ id_token_hint: tokens.id_token, post_logout_redirect_uri: SIGNED_OUT, state: "a b+ü" }), jar);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
    const confirm = await fetch(`${base}/oidc/session/end/confirm`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }),
    });
    keepCookies(jar, confirm);
    const back = new URL(confirm.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(SIGNED_OUT);
    expect(back.searchParams.get("state")).toBe("a b+ü");
    expect(await resolveSession(sessionId)).toBeNull();
    const silent = await authorize(jar, web, { prompt: "none" });
    expect(Object.fromEntries(silent.left!.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });
    expect(await userinfo(tokens.access_token)).toBe(401);
  });
});
