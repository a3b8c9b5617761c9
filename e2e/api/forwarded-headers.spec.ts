/**
 * X-Forwarded-Host/-Proto (and Forwarded, X-Forwarded-For) are believed only
 * from a TRUST_PROXY peer, everywhere: the redirect URL shown for a provider,
 * Auth.js's URLs and cookies, HSTS, and Next's server-action Origin check.
 * This server trusts 127.0.0.2; the tests speak from 127.0.0.1 (a client) and
 * from 127.0.0.2 (the proxy).
 */
import http from "node:http";
import { expect, test } from "@playwright/test";
import { bearer, CookieJar } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";

const PROXY = "127.0.0.2";
const CLIENT = "127.0.0.1";
const instance = useInstance({ TRUST_PROXY: PROXY });

const SPOOFED = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "host=evil.example;proto=https" };
const PUBLIC = { "x-forwarded-host": "latchkey.example.com", "x-forwarded-proto": "https" };

type Answer = { status: number; headers: http.IncomingHttpHeaders; setCookies: string[]; text: string };

/** One request from a chosen local address, on a connection of its own. */
function from(address: string, pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      instance.url(pathname),
      { method: options.method ?? "GET", localAddress: address, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, setCookies: res.headers["set-cookie"] ?? [], text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Signs in through Auth.js's credentials callback from `address`, sending `headers` with both requests. */
async function signInFrom(address: string, headers: Record<string, string>, callbackUrl: string) {
  const jar = new CookieJar();
  const csrf = await from(address, "/api/auth/csrf", { headers });
  const h = new Headers();
  for (const c of csrf.setCookies) h.append("set-cookie", c);
  jar.update(h);
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const body = new URLSearchParams({ csrfToken, email: OWNER.email, password: OWNER.password, callbackUrl }).toString();
  const res = await from(address, "/api/auth/callback/credentials", {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: jar.header },
    body,
  });
  return { csrfCookies: csrf.setCookies, status: res.status, location: String(res.headers.location ?? ""), setCookies: res.setCookies };
}

let token: string;
let providerId: string;

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  const res = await fetch(instance.url("/api/identity-providers"), {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify({ type: "oidc", name: "Corp SSO", issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "corp-sso-secret" }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  providerId = ((await res.json()) as { id: string }).id;
});

test("a provider's redirect URL ignores a client's X-Forwarded-Host, and follows the trusted proxy's", async () => {
  const headers = { ...bearer(token) };
  const spoofed = await from(CLIENT, `/api/identity-providers/${providerId}`, { headers: { ...headers, ...SPOOFED } });
  expect(spoofed.status).toBe(200);
  expect(JSON.parse(spoofed.text).redirect_url).toBe(`${instance.baseURL}/api/auth/callback/${providerId}`);
  const list = await from(CLIENT, "/api/identity-providers", { headers: { ...headers, ...SPOOFED } });
  expect(list.text).not.toContain("evil.example");

  const proxied = await from(PROXY, `/api/identity-providers/${providerId}`, { headers: { ...headers, ...PUBLIC } });
  expect(JSON.parse(proxied.text).redirect_url).toBe(`https://latchkey.example.com/api/auth/callback/${providerId}`);
});

test("the provider page in the dashboard shows the real redirect URL to a client that forwards another host", async () => {
  const signedIn = await signInFrom(CLIENT, {}, "/");
  const cookie = signedIn.setCookies.map((c) => c.split(";")[0]).join("; ");
  const page = await from(CLIENT, `/settings/identity-providers/${providerId}`, { headers: { cookie, "x-forwarded-host": "evil.example" } });
  expect(page.status).toBe(200);
  expect(page.text).toContain(`${instance.baseURL}/api/auth/callback/${providerId}`);
  expect(page.text).not.toContain("evil.example");
});

test("HSTS only when a trusted proxy says the request came over HTTPS", async () => {
  const client = await from(CLIENT, "/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(client.status).toBe(200);
  expect(client.headers["strict-transport-security"]).toBeUndefined();
  const proxied = await from(PROXY, "/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(proxied.headers["strict-transport-security"]).toContain("max-age=");
});

test("the OpenID provider's paths (answered before Next.js) carry HSTS by the same rule, and its other headers", async () => {
  // This instance has no PUBLIC_URL: the provider answers that it is off, with the headers all its answers carry.
  for (const pathname of ["/.well-known/openid-configuration", "/device", "/oidc/token/"]) {
    const client = await from(CLIENT, pathname, { headers: { "x-forwarded-proto": "https" } });
    expect(client.headers["strict-transport-security"], pathname).toBeUndefined();
    const proxied = await from(PROXY, pathname, { headers: { "x-forwarded-proto": "https" } });
    expect(proxied.headers["strict-transport-security"], pathname).toContain("max-age=");
    expect(proxied.headers["x-frame-options"], pathname).toBe("DENY");
    expect(proxied.headers["x-content-type-options"], pathname).toBe("nosniff");
    expect(proxied.headers["referrer-policy"], pathname).toBe("no-referrer");
  }
});

test("Auth.js: a client's forwarded host can't make a foreign callback URL its own, nor mark cookies Secure", async () => {
  const spoofed = await signInFrom(CLIENT, SPOOFED, "https://evil.example/phish");
  expect(spoofed.status).toBe(302);
  expect(spoofed.location.startsWith(instance.baseURL)).toBe(true);
  expect(spoofed.location).not.toContain("evil.example");
  const session = spoofed.setCookies.find((c) => c.includes("authjs.session-token="));
  expect(session).toMatch(/^authjs\.session-token=/);
  expect(session).not.toMatch(/;\s*secure/i);
  expect(spoofed.csrfCookies.join("\n")).not.toMatch(/__Host-|;\s*secure/i);

  // Through the trusted proxy the public origin is https://latchkey.example.com.
  const proxied = await signInFrom(PROXY, PUBLIC, "https://latchkey.example.com/team/users");
  expect(proxied.location).toBe("https://latchkey.example.com/team/users");
  const secure = proxied.setCookies.find((c) => c.includes("authjs.session-token="));
  // "__Host-": Secure, Path=/, no Domain, so no sibling subdomain can plant one (lib/http/host-cookie.ts).
  expect(secure).toMatch(/^__Host-authjs\.session-token=.*;\s*secure/i);
  expect(secure).toMatch(/;\s*Path=\/(;|$)/i);
  expect(secure).not.toMatch(/;\s*Domain=/i);
  // The dashboard reads that cookie under the name Auth.js gave it: through the proxy (HTTPS) it is a
  // session; sent over plain HTTP it is not the session cookie (the name there has no prefix).
  const cookie = secure!.split(";")[0];
  const page = await from(PROXY, "/team/users", { headers: { ...PUBLIC, cookie } });
  expect(page.status).toBe(200);
  expect(page.text).toContain(OWNER.email);
  const plain = await from(CLIENT, "/team/users", { headers: { cookie } });
  expect(plain.status).toBe(307);
  expect(String(plain.headers.location)).toContain("/login");
});

/** The sign-in form's server action, posted the way a browser without JavaScript does (multipart to /login). */
async function postLoginAction(address: string, headers: Record<string, string>) {
  const page = await from(CLIENT, "/login");
  const hidden = [...page.text.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map(
    ([, name, value]) => [name, (value ?? "").replaceAll("&quot;", '"').replaceAll("&amp;", "&")] as const,
  );
  expect(hidden.some(([name]) => name.startsWith("$ACTION_"))).toBe(true);
  const form = new FormData();
  for (const [name, value] of hidden) form.append(name, value);
  form.append("email", OWNER.email);
  form.append("password", OWNER.password);
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer()).toString("latin1");
  const res = await from(address, "/login", {
    method: "POST",
    headers: { ...headers, "content-type": encoded.headers.get("content-type")! },
    body,
  });
  return { status: res.status, signedIn: res.setCookies.some((c) => /authjs\.session-token=./.test(c)) };
}

test("server actions: a client's X-Forwarded-Host can't vouch for a foreign Origin; a trusted proxy's can", async () => {
  // The attack: a page on evil.example posts the sign-in form and claims the forwarded host is evil.example.
  const crossSite = await postLoginAction(CLIENT, { origin: "https://evil.example", ...SPOOFED });
  expect(crossSite.signedIn).toBe(false);
  expect(crossSite.status).not.toBe(303);

  // Our own page, with a stray X-Forwarded-Host from the client: the header is dropped, the action runs.
  const sameSite = await postLoginAction(CLIENT, { origin: instance.baseURL, "x-forwarded-host": "evil.example" });
  expect(sameSite).toEqual({ status: 303, signedIn: true });

  // Behind the trusted proxy the public host is what it forwards.
  const proxied = await postLoginAction(PROXY, { origin: "https://latchkey.example.com", ...PUBLIC });
  expect(proxied).toEqual({ status: 303, signedIn: true });
});

// Review 25: a proxy left out of TRUST_PROXY makes every client one address to the sign-in limits; the log says so.
test("forwarding headers from a local address TRUST_PROXY doesn't name are said once in the log, naming the setting; the trusted proxy's are not", async () => {
  const warning = /Forwarding headers \(X-Forwarded-For, Forwarded…\) came from (\S+), which TRUST_PROXY doesn't name/g;
  await from(PROXY, "/api/health", { headers: { "x-forwarded-for": "198.51.100.7" } });
  await from(CLIENT, "/api/health", { headers: { "x-forwarded-for": "198.51.100.7" } });
  await from(CLIENT, "/api/health", { headers: { forwarded: "for=198.51.100.8" } });
  await expect.poll(() => [...instance.logs().matchAll(warning)].map((m) => m[1])).toEqual([CLIENT]);
  expect(instance.logs()).toContain("Name it in TRUST_PROXY (true for a proxy on this machine).");
});
