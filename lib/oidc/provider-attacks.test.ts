/**
 * Latchkey's OpenID provider and its applications, attacked (review 46, docs/security.md): redirect URIs at
 * registration and at the authorization request, the sign-out's redirect, one app's artifacts at another, forged ID
 * token hints, the device flow for a person an app's groups leave out, the provider's endpoints given huge input,
 * and a client secret's life. Against the provider on a loopback port (test/provider-server.ts), fetch with a cookie
 * jar as the browser, plain HTTP as the apps. Reviews 14, 16, 30 and 42 hold the rest (see there).
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, UnsecuredJWT, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication, rotateApplicationSecret } from "@/lib/applications/applications";
import { createApplicationSchema, redirectUriProblem } from "@/lib/applications/schemas";
import { createGroup } from "@/lib/groups/groups";
import { writeSystem } from "@/lib/data/unit-of-work";
import { setUserGroups } from "@/lib/groups/membership";
import { groupInputSchema } from "@/lib/groups/schemas";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { oidcFailuresClientLimit, oidcFailuresIpLimit } from "@/lib/security/limits";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createUser, META, startSession } from "@/test/factories";
import { browseWithin, keepCookies, signedInJar } from "@/test/provider-browser";
import { startProviderServer } from "@/test/provider-server";

const REDIRECT = "https://app.example/callback";
const SIGNED_OUT = "https://app.example/signed-out";
const OTHER_SIGNED_OUT = "https://other.example/bye";

type App = { clientId: string; secret: string };
let provider: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;
let owner: { id: string; accountId: string };
let wiki: App;
let tracker: App;
let spa: App;

async function register(fields: Record<string, unknown>): Promise<{ clientId: string; secret: string; id: string }> {
  const input = createApplicationSchema.parse(fields);
  const { application, clientSecret } = await createApplication(await startSession(owner), input, META);
  return { clientId: application.clientId, secret: clientSecret ?? "", id: application.id };
}

beforeAll(async () => {
  provider = await startProviderServer();
  base = provider.base;
  owner = { id: provider.ownerId, accountId: provider.accountId };
  wiki = await register({ name: "Wiki", type: "web", redirect_uris: [REDIRECT], post_logout_redirect_uris: [SIGNED_OUT] });
  tracker = await register({ name: "Tracker", type: "web", redirect_uris: ["https://other.example/cb"], post_logout_redirect_uris: [OTHER_SIGNED_OUT] });
  spa = await register({ name: "Board", type: "spa", redirect_uris: ["http://127.0.0.1/cb", "http://localhost:8400/cb"] });
});

afterAll(() => provider.close());

const basic = (app: App, secret = app.secret) => `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString("base64")}`;
const FORM = "application/x-www-form-urlencoded";

function authorizationUrl(app: App, params: Record<string, string> = {}): URL {
  const query = new URLSearchParams({ client_id: app.clientId, response_type: "code", redirect_uri: REDIRECT, scope: "openid", state: "st4te", nonce: "n0nce", ...params });
  return new URL(`${base}/oidc/auth?${query}`);
}

async function token(app: App, fields: Record<string, string>, authorization = basic(app)) {
  const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { authorization, "content-type": FORM }, body: new URLSearchParams(fields) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function signIn(app: App, jar: string[]) {
  const { left } = await browseWithin(base, authorizationUrl(app), jar);
  const code = left?.searchParams.get("code");
  if (!code) throw new Error(`no code: ${left}`);
  const tokens = await token(app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  expect(tokens.status).toBe(200);
  return tokens.body;
}

/** The person in `jar` types the code on /device and presses Approve; the page that answers (redirects followed). */
async function approve(jar: string[], userCode: string): Promise<{ status: number; body: string }> {
  const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; ") } });
  keepCookies(jar, input);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(await input.text())![1];
  const confirmRes = await fetch(`${base}/device`, { method: "POST", headers: { cookie: jar.join("; "), "content-type": FORM }, body: new URLSearchParams({ xsrf, user_code: userCode }) });
  keepCookies(jar, confirmRes);
  const confirm = await confirmRes.text();
  const action = /formaction="([^"]+)"/.exec(confirm)![1].replace(/&amp;/g, "&");
  const xsrf2 = /name="xsrf" value="([^"]+)"/.exec(confirm)![1];
  return browseWithin(base, new URL(action, base), jar, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ xsrf: xsrf2, user_code: userCode, confirm: "yes" }) });
}

describe("redirect URIs at registration", () => {
  it.each([
    ["https://evil.example@app.example/cb", "credentials"],
    ["https://app.example:@evil.example/cb", "credentials"],
    ["https://app.example/cb#x", "fragment"],
    ["https://app.example/cb#", "fragment"],
    ["javascript:alert(document.domain)//https://app.example/", "scheme"],
    ["JavaScript://app.example/%0aalert(1)", "scheme"],
    ["data:text/html,<script>alert(1)</script>", "scheme"],
    ["vbscript:msgbox(1)", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["com.example.app:/callback", "custom scheme (native apps: a loopback address instead)"],
    ["http://app.example/cb", "plain http off loopback"],
    ["http://localhost.evil.example/cb", "loopback look-alike"],
    ["http://127.0.0.1.nip.io/cb", "loopback look-alike"],
    ["http://[::ffff:127.0.0.1]/cb", "mapped address"],
    ["https://app.example/*", "wildcard"],
    ["/callback", "relative"],
    ["//evil.example/cb", "scheme-relative"],
    ["https://app.example/\u200bcb\u2028", "line separator"],
  ])("%s is refused (%s)", (uri) => {
    expect(redirectUriProblem(uri)).not.toBeNull();
  });

  // Review 46's finding: each was stored and shown as typed, while a browser (and oidc-provider, which compares the
  // parsed addresses) goes somewhere that reads differently: a Cyrillic "а" is the host xn--pp-7ka.example, a
  // backslash is a slash (so "app.example\@evil.example" is app.example, read by a person as evil.example), and a
  // control character at the end is dropped, invisible in the list.
  it.each([
    ["https://\u0430pp.example/callback", "a Cyrillic look-alike host"],
    ["https://app.\u0435xample.com/callback", "a Cyrillic e"],
    ["https://b\u00fccher.example/callback", "an internationalised host not in its xn-- form"],
    ["https://app.example\\@evil.example/callback", "a backslash"],
    ["https://app.example/callback\u0001", "a control character, dropped by the parser"],
    ["https://app.example/callback\u0085", "a C1 control"],
    ["\u0001https://app.example/callback", "a leading control character"],
  ])("%s is refused (%s): what the owner reads is not where the code would go", (uri) => {
    expect(redirectUriProblem(uri)).not.toBeNull();
  });

  it("an internationalised host written in its xn-- form, and a percent-encoded path, are accepted", () => {
    expect(redirectUriProblem("https://xn--bcher-kva.example/r%C3%BCckruf")).toBeNull();
  });

  it("the loopback addresses an app on the person's machine uses are accepted, over http", () => {
    for (const uri of ["http://127.0.0.1:8400/cb", "http://[::1]/cb", "http://localhost:1/cb"]) expect(redirectUriProblem(uri)).toBeNull();
  });
});

describe("redirect URIs at the authorization request: the registered one, exactly", () => {
  // Each is another address than https://app.example/callback to a browser (or to some URL parser, proxy or app).
  it.each([
    "https://app.example./callback",
    "https://app.example/%63allback",
    "https://app.example/Callback",
    "https://app.example/callback/",
    "https://app.example/callback?",
    "https://app.example/callback%2F..%2Fcallback",
    "https://app.example\\@evil.example/callback",
    "https://evil.example#@app.example/callback",
    "https://app.example@evil.example/callback",
    "https://app.example:8443/callback",
    "https://xn--pp-7ka.example/callback",
    "https://\u0430pp.example/callback",
    "https://app.example/callback?next=https://evil.example",
  ])("%s: the provider's 400 page, no redirect, signed in or not", async (redirectUri) => {
    for (const jar of [(await signedInJar(owner)).jar, []]) {
      const { status, left } = await browseWithin(base, authorizationUrl(wiki, { redirect_uri: redirectUri }), jar, { headers: { accept: "text/html" } });
      expect(left).toBeUndefined();
      expect(status).toBe(400);
    }
  });

  // oidc-provider compares the addresses as a browser parses them (WHATWG URL's href), not as strings: these are the
  // registered address itself to every browser, and the answer goes to the registered address as registered.
  it.each(["https://app.example:443/callback", "HTTPS://app.example/callback", "https://APP.example/callback", "https://app.example/x/../callback", " https://app.example/callback", "https://app.example/callback\t"])(
    "%s: the registered address itself once parsed; the code goes there and nowhere else",
    async (redirectUri) => {
      const { left } = await browseWithin(base, authorizationUrl(wiki, { redirect_uri: redirectUri }), (await signedInJar(owner)).jar);
      expect(`${left?.origin}${left?.pathname}`).toBe(REDIRECT);
      expect(left?.searchParams.get("code")).toBeTruthy();
    },
  );

  it("an unregistered redirect URI is answered alike for a signed-in person and nobody (prompt=none tells another page nothing)", async () => {
    const url = authorizationUrl(wiki, { redirect_uri: "https://evil.example/cb", prompt: "none" });
    const signedIn = await browseWithin(base, url, (await signedInJar(owner)).jar, { headers: { accept: "text/html" } });
    const nobody = await browseWithin(base, url, [], { headers: { accept: "text/html" } });
    expect([signedIn.status, signedIn.left]).toEqual([400, undefined]);
    expect([nobody.status, nobody.left]).toEqual([400, undefined]);
    const strip = (html: string) => html.replace(/nonce-[^'"]+/g, "").replace(/<nav[\s\S]*?<\/nav>/g, "");
    expect(strip(signedIn.body)).toBe(strip(nobody.body));
  });
});

describe("loopback redirect URIs of public apps: any port (RFC 8252 §7.3)", () => {
  const CLI = "http://127.0.0.1/callback";
  let cli: App;
  let cliOnV6: App;
  let webOnLoopback: App;
  beforeAll(async () => {
    cli = await register({ name: "kubectl", type: "spa", redirect_uris: [CLI, "http://localhost:8000/callback"], post_logout_redirect_uris: ["http://127.0.0.1/bye"] });
    cliOnV6 = await register({ name: "rclone", type: "spa", redirect_uris: ["http://[::1]:8400/callback"] });
    webOnLoopback = await register({ name: "Local wiki", type: "web", redirect_uris: [CLI] });
  });

  const pkce = () => {
    const verifier = crypto.randomBytes(32).toString("base64url");
    return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
  };
  const asPublic = (app: App, redirect_uri: string, challenge: string) =>
    authorizationUrl(app, { redirect_uri, code_challenge: challenge, code_challenge_method: "S256" });
  const exchange = async (app: App, fields: Record<string, string>) => {
    const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ grant_type: "authorization_code", client_id: app.clientId, ...fields }) });
    return (await res.json()) as Record<string, string>;
  };
  async function refused(url: URL) {
    const { status, left } = await browseWithin(base, url, (await signedInJar(owner)).jar, { headers: { accept: "text/html" } });
    expect(left, url.searchParams.get("redirect_uri") ?? "").toBeUndefined();
    expect(status).toBe(400);
  }

  it("a single-page / native app registered with http://127.0.0.1/callback gets its code on the port it asked for, and only there", async () => {
    const { jar } = await signedInJar(owner);
    const { verifier, challenge } = pkce();
    const asked = "http://127.0.0.1:53682/callback";
    const { left } = await browseWithin(base, asPublic(cli, asked, challenge), jar);
    expect(left?.href.startsWith(`${asked}?`), left?.href).toBe(true);
    expect(left?.port).toBe("53682");
    const code = left!.searchParams.get("code")!;
    expect(code).toBeTruthy();
    // The code is bound to the redirect_uri the request named: another port (or the registered one) doesn't redeem it.
    expect((await exchange(cli, { code, redirect_uri: "http://127.0.0.1:53683/callback", code_verifier: verifier })).error).toBe("invalid_grant");
    const again = await browseWithin(base, asPublic(cli, asked, challenge), jar);
    expect((await exchange(cli, { code: again.left!.searchParams.get("code")!, redirect_uri: CLI, code_verifier: verifier })).error).toBe("invalid_grant");
    const third = await browseWithin(base, asPublic(cli, asked, challenge), jar);
    expect((await exchange(cli, { code: third.left!.searchParams.get("code")!, redirect_uri: asked, code_verifier: verifier })).access_token).toBeTruthy();
  });

  it("[::1] likewise: registered with port 8400, a code on any other port; the IPv4 literal is another host", async () => {
    const { jar } = await signedInJar(owner);
    const { challenge } = pkce();
    for (const asked of ["http://[::1]:40123/callback", "http://[::1]/callback", "http://[::1]:8400/callback"]) {
      const { left } = await browseWithin(base, asPublic(cliOnV6, asked, challenge), jar);
      expect(left?.href.startsWith(`${asked}?`), asked).toBe(true);
      expect(left?.searchParams.get("code")).toBeTruthy();
    }
    await refused(asPublic(cliOnV6, "http://127.0.0.1:40123/callback", challenge));
    await refused(asPublic(cli, "http://[::1]:53682/callback", challenge));
  });

  it("the path, query and host must still match: another path, an added query, localhost or credentials are refused", async () => {
    const { challenge } = pkce();
    for (const asked of [
      "http://127.0.0.1:53682/other",
      "http://127.0.0.1:53682/callback/",
      "http://127.0.0.1:53682/Callback",
      "http://127.0.0.1:53682/callback?next=https://evil.example",
      "http://evil@127.0.0.1:53682/callback",
      "http://localhost:53682/callback",
      "http://127.0.0.2:53682/callback",
      "https://127.0.0.1:53682/callback",
    ]) {
      await refused(asPublic(cli, asked, challenge));
    }
  });

  it("localhost keeps its exact port (RFC 8252 §8.3 recommends the IP literal)", async () => {
    const { jar } = await signedInJar(owner);
    const { challenge } = pkce();
    for (const asked of ["http://localhost:8001/callback", "http://localhost/callback", "http://localhost:53682/callback"]) await refused(asPublic(cli, asked, challenge));
    const { left } = await browseWithin(base, asPublic(cli, "http://localhost:8000/callback", challenge), jar);
    expect(left?.searchParams.get("code")).toBeTruthy();
  });

  it("a web app (it has a secret) keeps the exact match, port included", async () => {
    const { jar } = await signedInJar(owner);
    await refused(authorizationUrl(webOnLoopback, { redirect_uri: "http://127.0.0.1:53682/callback" }));
    const { left } = await browseWithin(base, authorizationUrl(webOnLoopback, { redirect_uri: CLI }), jar);
    expect(left?.searchParams.get("code")).toBeTruthy();
  });

  it("its post-logout redirect URI keeps the exact match: another port is refused, the registered one is offered", async () => {
    const { jar } = await signedInJar(owner);
    const endSession = (uri: string) =>
      browseWithin(base, new URL(`${base}/oidc/session/end?${new URLSearchParams({ client_id: cli.clientId, post_logout_redirect_uri: uri })}`), jar, { headers: { accept: "text/html" } });
    const otherPort = await endSession("http://127.0.0.1:53682/bye");
    expect([otherPort.status, otherPort.left]).toEqual([400, undefined]);
    const registered = await endSession("http://127.0.0.1/bye");
    expect([registered.status, registered.left]).toEqual([200, undefined]);
  });

  it("an unregistered loopback port of a public app whose loopback address is not registered: refused (the Board's 127.0.0.1/cb is another path)", async () => {
    const { challenge } = pkce();
    await refused(asPublic(spa, "http://127.0.0.1:5555/callback", challenge));
    await refused(asPublic(spa, "http://localhost:8401/cb", challenge));
    const { left } = await browseWithin(base, asPublic(spa, "http://127.0.0.1:5555/cb", challenge), (await signedInJar(owner)).jar);
    expect(left?.searchParams.get("code")).toBeTruthy();
  });
});

describe("signing out: post_logout_redirect_uri", () => {
  async function endSession(jar: string[], params: Record<string, string>) {
    const url = new URL(`${base}/oidc/session/end?${new URLSearchParams(params)}`);
    return browseWithin(base, url, jar, { headers: { accept: "text/html" } });
  }

  it("another app's registered URI, with this app's ID token as the hint (with or without its client_id): refused, no redirect", async () => {
    const { jar } = await signedInJar(owner);
    const { id_token } = await signIn(wiki, jar);
    const attempts: Record<string, string>[] = [
      { id_token_hint: id_token, post_logout_redirect_uri: OTHER_SIGNED_OUT },
      { id_token_hint: id_token, client_id: wiki.clientId, post_logout_redirect_uri: OTHER_SIGNED_OUT },
      { id_token_hint: id_token, client_id: tracker.clientId, post_logout_redirect_uri: OTHER_SIGNED_OUT },
      { client_id: wiki.clientId, post_logout_redirect_uri: OTHER_SIGNED_OUT },
    ];
    for (const params of attempts) {
      const { status, left, body } = await endSession(jar, params);
      expect(left, JSON.stringify(params)).toBeUndefined();
      expect(status).toBe(400);
      expect(body).not.toContain("other.example");
    }
  });

  it("a URI nobody registered, without a hint or a client_id: dropped (the confirmation, no redirect anywhere)", async () => {
    const { jar } = await signedInJar(owner);
    const { status, left, body } = await endSession(jar, { post_logout_redirect_uri: "https://evil.example/" });
    expect(left).toBeUndefined();
    expect(status).toBe(200);
    expect(body).not.toContain("evil.example");
  });
});

/** The provider's RSA signing key's public JWK, as the JWKS publishes it. */
async function publishedRsaKey(): Promise<JWK> {
  const { keys } = (await (await fetch(`${base}/oidc/jwks`)).json()) as { keys: JWK[] };
  return keys.find((k) => k.kty === "RSA")!;
}

describe("forged ID token hints: alg none, HS256 keyed with the public key, a stranger's key under a published kid", () => {
  async function forgeries(sub: string, aud: string): Promise<Record<string, string>> {
    const claims = { sub, aud, iss: base, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 };
    const rsa = await publishedRsaKey();
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    return {
      none: new UnsecuredJWT(claims).encode(),
      hs256PublicKey: await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: rsa.kid }).sign(new TextEncoder().encode(JSON.stringify(rsa))),
      hs256Modulus: await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: rsa.kid }).sign(Buffer.from(rsa.n!, "base64url")),
      strangerKey: await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: rsa.kid }).sign(privateKey),
    };
  }

  it("at the authorization endpoint: refused with invalid_request, never a code", async () => {
    const ann = await createUser(owner.accountId);
    const { jar } = await signedInJar(ann);
    for (const [name, hint] of Object.entries(await forgeries(owner.id, wiki.clientId))) {
      for (const prompt of [{ prompt: "none" }, {}] as Record<string, string>[]) {
        const { left } = await browseWithin(base, authorizationUrl(wiki, { id_token_hint: hint, ...prompt }), jar);
        expect(left?.searchParams.get("code"), name).toBeNull();
        expect(left?.searchParams.get("error"), name).toBe("invalid_request");
      }
    }
  });

  it("at end-session: refused, nobody signed out, no redirect", async () => {
    const { jar } = await signedInJar(owner);
    for (const [name, hint] of Object.entries(await forgeries(owner.id, wiki.clientId))) {
      const url = new URL(`${base}/oidc/session/end?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: SIGNED_OUT })}`);
      const { status, left } = await browseWithin(base, url, jar, { headers: { accept: "text/html" } });
      expect(left, name).toBeUndefined();
      expect(status, name).toBe(400);
    }
  });

  it("imported as a key, the published JWK is public only (no private parameter to sign with)", async () => {
    const rsa = await publishedRsaKey();
    for (const field of ["d", "p", "q", "dp", "dq", "qi", "k"]) expect(rsa).not.toHaveProperty(field);
    await expect(importJWK(rsa, "RS256")).resolves.toBeTruthy();
  });
});

describe("a public client pretending, and one app's artifacts at another", () => {
  it("a web app's code is not redeemed without its secret: none, an empty Basic secret, the client_id alone, a wrong secret", async () => {
    const { jar } = await signedInJar(owner);
    const attempts: { authorization: string; extra: Record<string, string> }[] = [
      { authorization: "", extra: { client_id: wiki.clientId } },
      { authorization: basic(wiki, ""), extra: {} },
      { authorization: basic(wiki, "lkc_wrong"), extra: {} },
      { authorization: "", extra: { client_id: wiki.clientId, client_secret: "" } },
    ];
    for (const attempt of attempts) {
      const { left } = await browseWithin(base, authorizationUrl(wiki), jar);
      const code = left!.searchParams.get("code")!;
      const res = await fetch(`${base}/oidc/token`, {
        method: "POST",
        headers: { "content-type": FORM, ...(attempt.authorization ? { authorization: attempt.authorization } : {}) },
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...attempt.extra }),
      });
      const body = (await res.json()) as Record<string, string>;
      expect(body.access_token).toBeUndefined();
      expect(["invalid_client", "invalid_request"]).toContain(body.error);
    }
  });

  it("a single-page app's code without its PKCE verifier, or with a secret it never had: no tokens", async () => {
    const { jar } = await signedInJar(owner);
    const verifier = crypto.randomBytes(32).toString("base64url");
    const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
    const redirect = "http://localhost:8400/cb";
    const codeFor = async () => {
      const { left } = await browseWithin(base, authorizationUrl(spa, { redirect_uri: redirect, code_challenge: challenge, code_challenge_method: "S256" }), jar);
      return left!.searchParams.get("code")!;
    };
    const exchange = async (fields: Record<string, string>, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": FORM, ...headers }, body: new URLSearchParams({ grant_type: "authorization_code", redirect_uri: redirect, ...fields }) });
      return (await res.json()) as Record<string, string>;
    };
    expect((await exchange({ client_id: spa.clientId, code: await codeFor() })).error).toBe("invalid_grant");
    expect((await exchange({ client_id: spa.clientId, code: await codeFor(), code_verifier: "y".repeat(43) })).error).toBe("invalid_grant");
    expect((await exchange({ code: await codeFor(), code_verifier: verifier }, { authorization: basic(spa, "made-up") })).error).toBe("invalid_client");
    expect((await exchange({ client_id: spa.clientId, client_secret: "made-up", code: await codeFor(), code_verifier: verifier })).error).toBe("invalid_client");
    expect((await exchange({ client_id: spa.clientId, code: await codeFor(), code_verifier: verifier })).access_token).toBeTruthy();
  });

  it("the code of one app redeemed by another with the other's own secret and redirect URI: refused, and the code then spent", async () => {
    const { jar } = await signedInJar(owner);
    const { left } = await browseWithin(base, authorizationUrl(wiki), jar);
    const code = left!.searchParams.get("code")!;
    const stolen = await token(tracker, { grant_type: "authorization_code", code, redirect_uri: "https://other.example/cb" });
    expect(stolen.body.error).toBe("invalid_grant");
    expect((await token(wiki, { grant_type: "authorization_code", code, redirect_uri: REDIRECT })).status).toBe(200);
  });
});

describe("the device flow for a person the app's groups leave out", () => {
  async function startDevice(clientId: string): Promise<{ device_code: string; user_code: string }> {
    const res = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ client_id: clientId, scope: "openid offline_access" }) });
    return (await res.json()) as { device_code: string; user_code: string };
  }
  async function poll(clientId: string, deviceCode: string) {
    const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: deviceCode, client_id: clientId }) });
    return (await res.json()) as Record<string, string>;
  }
  it("outside the groups: refused on Latchkey's page, the device gets no token", async () => {
    const ops = await createGroup(await startSession(owner), groupInputSchema.parse({ name: `ops-${crypto.randomUUID().slice(0, 8)}` }), META);
    const cli = await register({ name: "Ops CLI", type: "device", access: "groups", allowed_groups: [ops.id] });
    const eve = await createUser(owner.accountId);
    const started = await startDevice(cli.clientId);
    const page = await approve((await signedInJar(eve)).jar, started.user_code);
    expect(page.status).toBe(403);
    expect((await poll(cli.clientId, started.device_code)).access_token).toBeUndefined();
  });

  it("approved while in the group, removed before the device polls, or before it refreshes: no token", async () => {
    const ops = await createGroup(await startSession(owner), groupInputSchema.parse({ name: `ops-${crypto.randomUUID().slice(0, 8)}` }), META);
    const cli = await register({ name: "Ops CLI", type: "device", access: "groups", allowed_groups: [ops.id] });
    const sam = await createUser(owner.accountId);
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, sam.id, [ops.id]));
    // Approved, then removed before the first poll.
    const first = await startDevice(cli.clientId);
    expect((await approve((await signedInJar(sam)).jar, first.user_code)).body).toContain("Device connected");
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, sam.id, []));
    expect((await poll(cli.clientId, first.device_code)).access_token).toBeUndefined();
    // Approved and polled while in the group; removed before the refresh.
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, sam.id, [ops.id]));
    const second = await startDevice(cli.clientId);
    await approve((await signedInJar(sam)).jar, second.user_code);
    const tokens = await poll(cli.clientId, second.device_code);
    expect(tokens.refresh_token).toBeTruthy();
    await writeSystem((tx) => setUserGroups(tx, owner.accountId, sam.id, []));
    const refreshed = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: cli.clientId }) });
    expect(((await refreshed.json()) as Record<string, string>).access_token).toBeUndefined();
    const me = await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(401);
  });
});

describe("huge and repeated parameters at the provider's endpoints", () => {
  it("a token request of 1 MiB is refused without being read whole; a repeated parameter is invalid_request", async () => {
    const big = await fetch(`${base}/oidc/token`, { method: "POST", headers: { authorization: basic(wiki), "content-type": FORM }, body: `grant_type=authorization_code&code=${"a".repeat(1 << 20)}` });
    expect([400, 413]).toContain(big.status);
    const twice = await token(wiki, { grant_type: "authorization_code" }, basic(wiki));
    expect(twice.status).toBe(400);
    const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { authorization: basic(wiki), "content-type": FORM }, body: "grant_type=authorization_code&code=a&code=b&redirect_uri=x" });
    expect(((await res.json()) as Record<string, string>).error).toBe("invalid_request");
  });

  it("an authorization request posted with a 1 MiB state, or a thousand scopes: refused or answered, never stored whole", async () => {
    const { jar } = await signedInJar(owner);
    const form = new URLSearchParams({ client_id: wiki.clientId, response_type: "code", redirect_uri: REDIRECT, scope: "openid", state: "s".repeat(1 << 20) });
    const res = await fetch(`${base}/oidc/auth`, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": FORM }, body: form });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const scopes = Array.from({ length: 1000 }, (_, i) => `s${i}`).join(" ");
    const { left } = await browseWithin(base, authorizationUrl(wiki, { scope: `openid ${scopes}` }), jar);
    const code = left?.searchParams.get("code");
    expect(code).toBeTruthy();
    const tokens = await token(wiki, { grant_type: "authorization_code", code: code!, redirect_uri: REDIRECT });
    expect(tokens.body.scope).toBe("openid");
  });
});

describe("a client secret's life", () => {
  it("rotated: the old secret is refused at the very next request; the new one works", async () => {
    const app = await register({ name: "Rotated", type: "web", redirect_uris: [REDIRECT] });
    const before = await fetch(`${base}/oidc/token/introspection`, { method: "POST", headers: { authorization: basic(app), "content-type": FORM }, body: new URLSearchParams({ token: "x" }) });
    expect(before.status).toBe(200);
    const { clientSecret } = await rotateApplicationSecret(await startSession(owner), app.id, META);
    const old = await fetch(`${base}/oidc/token/introspection`, { method: "POST", headers: { authorization: basic(app), "content-type": FORM }, body: new URLSearchParams({ token: "x" }) });
    expect(old.status).toBe(401);
    const fresh = await fetch(`${base}/oidc/token/introspection`, { method: "POST", headers: { authorization: basic({ ...app, secret: clientSecret! }), "content-type": FORM }, body: new URLSearchParams({ token: "x" }) });
    expect(fresh.status).toBe(200);
  });
});

describe("request objects, request_uri, PAR and registration: off, and nothing is fetched", () => {
  it("a request_uri naming an internal address is refused without a connection to it; PAR and registration are not served", async () => {
    let connections = 0;
    const internal = http.createServer((_req, res) => res.end("eyJhbGciOiJub25lIn0.e30."));
    internal.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
    const at = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/request.jwt`;
    try {
      const { jar } = await signedInJar(owner);
      const attempts: Record<string, string>[] = [{ request_uri: at }, { request_uri: "http://169.254.169.254/latest/meta-data/" }, { request: "eyJhbGciOiJub25lIn0.eyJyZWRpcmVjdF91cmkiOiJodHRwczovL2V2aWwuZXhhbXBsZS8ifQ." }];
      for (const params of attempts) {
        const { left } = await browseWithin(base, authorizationUrl(wiki, params), jar);
        expect(`${left?.origin}${left?.pathname}`).toBe(REDIRECT);
        expect(left?.searchParams.get("error")).toMatch(/^request(_uri)?_not_supported$/);
        expect(left?.searchParams.get("code")).toBeNull();
      }
      expect(connections).toBe(0);
      const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(discovery).not.toHaveProperty("pushed_authorization_request_endpoint");
      expect(discovery).not.toHaveProperty("registration_endpoint");
      expect(discovery.request_uri_parameter_supported).not.toBe(true);
      for (const path of ["/oidc/request", "/oidc/reg"]) {
        const res = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: basic(wiki), "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: ["https://evil.example/"] }) });
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.status, path).not.toBe(500);
      }
    } finally {
      await new Promise<void>((resolve) => internal.close(() => resolve()));
    }
  });
});

describe("a device app that requires consent", () => {
  it("Approve on /device leads to the question, naming what the device would keep (offline access), and no token before it is answered", async () => {
    const cli = await register({ name: "Backup CLI", type: "device", require_consent: true });
    const res = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ client_id: cli.clientId, scope: "openid offline_access email" }) });
    const started = (await res.json()) as { device_code: string; user_code: string };
    const approved = await approve((await signedInJar(owner)).jar, started.user_code);
    expect(approved.body).toContain("Stay signed in when you are away");
    const poll = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: started.device_code, client_id: cli.clientId }) });
    expect(((await poll.json()) as Record<string, string>).access_token).toBeUndefined();
  });
});

describe("an app locked out by someone else's failures (review 46's finding)", () => {
  /** Enough failures for `clientId`, each address staying under its own limit, as an attacker with a few addresses sends them. */
  async function failuresFrom(send: (peer: string) => Promise<Response>, prefix: string) {
    const perAddress = oidcFailuresIpLimit().points - 1;
    for (let sent = 0, i = 0; sent < oidcFailuresClientLimit().points; i += 1) {
      const peer = `${prefix}.${i}`;
      for (let n = 0; n < perAddress && sent < oidcFailuresClientLimit().points; n += 1, sent += 1) await send(peer);
    }
  }

  it("a web app's made-up secrets from a few addresses: its failures are refused (429), its own secret still works", async () => {
    const app = await register({ name: "Locked", type: "web", redirect_uris: [REDIRECT] });
    const introspect = (peer: string, secret: string) =>
      fetch(`${base}/oidc/token/introspection`, { method: "POST", headers: { authorization: basic(app, secret), "content-type": FORM, [PEER_HEADER]: peer }, body: new URLSearchParams({ token: "x" }) });
    await failuresFrom((peer) => introspect(peer, "lks_made-up"), "198.51.100");
    expect((await introspect("203.0.113.50", "lks_made-up")).status).toBe(429);
    // The app itself, from its own address: answered.
    expect((await introspect("203.0.113.51", app.secret)).status).toBe(200);
    const { jar } = await signedInJar(owner);
    const { left } = await browseWithin(base, authorizationUrl(app), jar);
    const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { authorization: basic(app), "content-type": FORM, [PEER_HEADER]: "203.0.113.51" }, body: new URLSearchParams({ grant_type: "authorization_code", code: left!.searchParams.get("code")!, redirect_uri: REDIRECT }) });
    expect(((await res.json()) as Record<string, string>).access_token).toBeTruthy();
  });

  it("a device app's made-up device codes from a few addresses: a real device's poll still gets its tokens", async () => {
    const cli = await register({ name: "Fleet CLI", type: "device" });
    const poll = (peer: string, deviceCode: string) =>
      fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": FORM, [PEER_HEADER]: peer }, body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: deviceCode, client_id: cli.clientId }) });
    await failuresFrom((peer) => poll(peer, crypto.randomBytes(32).toString("base64url")), "192.0.2");
    expect((await poll("203.0.113.60", "made-up")).status).toBe(429);
    const res = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": FORM, [PEER_HEADER]: "203.0.113.61" }, body: new URLSearchParams({ client_id: cli.clientId, scope: "openid" }) });
    expect(res.status).toBe(200);
    const started = (await res.json()) as { device_code: string; user_code: string };
    await approve((await signedInJar(owner)).jar, started.user_code);
    const tokens = (await (await poll("203.0.113.61", started.device_code)).json()) as Record<string, string>;
    expect(tokens.access_token).toBeTruthy();
  });
});

describe("what the provider's pages and answers reflect", () => {
  const XSS = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
  const raw = (html: string) => html.includes("<script>alert(1)") || html.includes("onerror=alert(2)>");

  it("a state, a redirect URI and a user code carrying markup are escaped on the form_post answer, the error page and /device", async () => {
    const { jar } = await signedInJar(owner);
    const posted = await browseWithin(base, authorizationUrl(wiki, { response_mode: "form_post", state: XSS }), jar);
    expect(posted.body).toContain('name="code"');
    expect(raw(posted.body)).toBe(false);
    const refused = await browseWithin(base, authorizationUrl(wiki, { redirect_uri: `https://app.example/${XSS}` }), jar, { headers: { accept: "text/html" } });
    expect(refused.status).toBe(400);
    expect(raw(refused.body)).toBe(false);
    const device = await fetch(`${base}/device?${new URLSearchParams({ user_code: XSS })}`, { headers: { cookie: jar.join("; ") } });
    expect(raw(await device.text())).toBe(false);
  });

  it("a refresh token or an ID token presented as the bearer at userinfo is refused", async () => {
    const cli = await register({ name: "Bearer CLI", type: "web", redirect_uris: [REDIRECT] });
    const { jar } = await signedInJar(owner);
    const { left } = await browseWithin(base, authorizationUrl(cli, { scope: "openid offline_access", prompt: "consent" }), jar);
    const tokens = await token(cli, { grant_type: "authorization_code", code: left!.searchParams.get("code")!, redirect_uri: REDIRECT });
    expect(tokens.body.refresh_token).toBeTruthy();
    for (const bearer of [tokens.body.refresh_token, tokens.body.id_token]) {
      expect((await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(401);
    }
    expect((await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } })).status).toBe(200);
    // An app's tokens are no key to Latchkey's own REST API (its bearer is a personal access token, lkp_…).
    for (const bearer of [tokens.body.access_token, tokens.body.refresh_token, tokens.body.id_token]) expect(await authenticateAccessToken(bearer)).toBeNull();
  });
});

describe("scopes asked silently", () => {
  it("an app that requires consent can't widen its grant with prompt=none: consent_required for email, groups, roles; offline_access dropped", async () => {
    const app = await register({ name: "Careful", type: "web", redirect_uris: [REDIRECT], require_consent: true });
    const { jar } = await signedInJar(owner);
    // The person's first sign-in: the consent question for openid alone, allowed.
    const first = await browseWithin(base, authorizationUrl(app), jar);
    expect(first.left).toBeUndefined();
    const action = /<form method="post" action="([^"]+)">/.exec(first.body)![1];
    const shownTo = /name="shown_to" value="([^"]*)"/.exec(first.body)![1];
    const allowed = await browseWithin(base, new URL(action, base), jar, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ shown_to: shownTo, choice: "allow" }) });
    expect(allowed.left?.searchParams.get("code")).toBeTruthy();
    for (const scope of ["openid email", "openid groups roles", "openid email offline_access"]) {
      const { left } = await browseWithin(base, authorizationUrl(app, { scope, prompt: "none" }), jar);
      expect(left?.searchParams.get("code"), scope).toBeNull();
      expect(left?.searchParams.get("error"), scope).toBe("consent_required");
    }
    // offline_access alone is dropped without prompt=consent (OpenID Connect Core §11): the code is the one allowed.
    const { left } = await browseWithin(base, authorizationUrl(app, { scope: "openid offline_access", prompt: "none" }), jar);
    const tokens = await token(app, { grant_type: "authorization_code", code: left!.searchParams.get("code")!, redirect_uri: REDIRECT });
    expect(tokens.body.scope).toBe("openid");
    expect(tokens.body.refresh_token).toBeUndefined();
  });
});

describe("what /device tells the person before Approve (review 46's finding)", () => {
  it("what the device would get is listed (offline access, email, groups) for an app that asks no consent; in German too", async () => {
    const cli = await register({ name: "Sync CLI", type: "device" });
    const res = await fetch(`${base}/oidc/device/auth`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ client_id: cli.clientId, scope: "openid email groups offline_access made-up" }) });
    const started = (await res.json()) as { user_code: string };
    for (const [language, expected] of [
      ["en", ["Approving gives <strong>Sync CLI</strong>:", "Your email address", "The names of your groups", "Stay signed in when you are away"]],
      ["de", ["Wenn Sie bestätigen, erhält <strong>Sync CLI</strong>:", "Ihre E-Mail-Adresse"]],
    ] as const) {
      const { jar } = await signedInJar(owner);
      const input = await fetch(`${base}/device`, { headers: { cookie: jar.join("; "), "accept-language": language } });
      keepCookies(jar, input);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await input.text())![1];
      const confirm = await (await fetch(`${base}/device`, { method: "POST", headers: { cookie: jar.join("; "), "content-type": FORM, "accept-language": language }, body: new URLSearchParams({ xsrf, user_code: started.user_code }) })).text();
      for (const text of expected) expect(confirm).toContain(text);
      expect(confirm).not.toContain("made-up");
    }
  });
});
