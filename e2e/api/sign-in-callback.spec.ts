/**
 * The sign-in form's POST (/api/auth/callback/credentials) is answered before
 * Next.js (lib/sign-in/credentials-http.ts, from lib/startup.ts's hook). It must
 * answer as Next.js's route did (recorded against main's build, docs/benchmarks.md
 * round 12): the same status and Location, the same cookies (names, flags, expiry),
 * the security headers Next.js gives an Auth.js path it still serves, the second
 * step's cookie, and behind a trusted HTTPS proxy the public origin, Secure cookies
 * and HSTS. This server trusts 127.0.0.2; the tests speak from 127.0.0.1 (a client)
 * and from 127.0.0.2 (the proxy).
 */
import http from "node:http";
import { expect, test } from "@playwright/test";
import { apiSecurityHeaders } from "../../lib/http/security-headers";
import { bearer } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";

const PROXY = "127.0.0.2";
const CLIENT = "127.0.0.1";
const instance = useInstance({ TRUST_PROXY: PROXY });
const PUBLIC = { "x-forwarded-host": "latchkey.example.com", "x-forwarded-proto": "https" };
const WEEK_SECONDS = 7 * 24 * 3600; // SESSION_MAX_AGE_HOURS' default

test.describe.configure({ mode: "serial" });

type Answer = { status: number; headers: http.IncomingHttpHeaders; setCookies: string[]; text: string };

function from(address: string, pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(instance.url(pathname), { method: options.method ?? "GET", localAddress: address, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, setCookies: res.headers["set-cookie"] ?? [], text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** GET /api/auth/csrf (a Next.js route) and the credentials POST, from `address` with `headers` on both. */
async function post(address: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const csrf = await from(address, "/api/auth/csrf", { headers });
  // Only the CSRF cookie (as the bench sends it): Auth.js sets its callback-url cookie only when it changes.
  const cookie = csrf.setCookies.map((c) => c.split(";")[0]).filter((c) => /^(__Host-)?authjs\.csrf-token=/.test(c)).join("; ");
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const body = new URLSearchParams({ csrfToken, ...fields }).toString();
  const res = await from(address, "/api/auth/callback/credentials", {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie },
    body,
  });
  return { csrf, res };
}

/** A Set-Cookie line with its value and Expires date taken out, and the seconds until it expires. */
function shape(line: string): { shape: string; expiresIn: number | null } {
  const expires = /Expires=([^;]+)/i.exec(line);
  return {
    shape: line.replace(/^([^=]+)=[^;]*/, "$1=…").replace(/Expires=[^;]+/i, "Expires=…"),
    expiresIn: expires ? Math.round((Date.parse(expires[1]) - Date.now()) / 1000) : null,
  };
}

// Every header's name, Cross-Origin-Opener-Policy's included (an API path's): the sign-in's answers must lack it as
// Next.js's do (a popup's redirect with it loses window.opener: lib/http/security-headers.ts SIGN_IN_PATHS).
const securityHeaderNames = apiSecurityHeaders("/api/users", "https").map((h) => h.key.toLowerCase());

/** The security headers of an answer, by name. */
function securityHeaders(answer: Answer): Record<string, unknown> {
  return Object.fromEntries(securityHeaderNames.map((name) => [name, answer.headers[name]]));
}

let token: string;

test.beforeAll(async () => {
  ({ personal_access_token: token } = await setUpOwner(instance));
});

test("a sign-in: 302 to the callback URL, Auth.js's cookies as before, the API's security headers as Next.js gives them", async () => {
  const { csrf, res } = await post(CLIENT, { email: OWNER.email, password: OWNER.password, callbackUrl: "/team/users" });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe(instance.url("/team/users"));
  const cookies = res.setCookies.map(shape);
  expect(cookies.map((c) => c.shape)).toEqual([
    "authjs.callback-url=…; Path=/; HttpOnly; SameSite=Lax",
    "authjs.session-token=…; Path=/; Expires=…; HttpOnly; SameSite=Lax",
  ]);
  expect(Math.abs((cookies[1].expiresIn ?? 0) - WEEK_SECONDS)).toBeLessThan(60);
  // The same headers as GET /api/auth/csrf, which Next.js answers with next.config.ts's, and no HSTS over plain HTTP.
  expect(securityHeaders(res)).toEqual(securityHeaders(csrf));
  const expected: Record<string, unknown> = Object.fromEntries(apiSecurityHeaders("/api/auth/callback/credentials", undefined).map((h) => [h.key.toLowerCase(), h.value]));
  expect(securityHeaders(res)).toEqual({ ...expected, "strict-transport-security": undefined });
  expect(res.headers["x-powered-by"]).toBeUndefined();
  expect(res.headers["cross-origin-opener-policy"]).toBeUndefined();
});

test("refused sign-ins: the same redirects to the sign-in page, no session cookie", async () => {
  const wrong = await post(CLIENT, { email: OWNER.email, password: "not the password at all" });
  expect(wrong.res.status).toBe(302);
  expect(wrong.res.headers.location).toBe(instance.url("/login?error=CredentialsSignin&code=invalid_credentials"));
  expect(wrong.res.setCookies).toEqual([]);
  expect(securityHeaders(wrong.res)).toEqual(securityHeaders(wrong.csrf));

  // Auth.js's CSRF check is still Auth.js's.
  const csrf = await from(CLIENT, "/api/auth/csrf");
  const forged = await from(CLIENT, "/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.setCookies.map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ csrfToken: "forged", email: OWNER.email, password: OWNER.password }).toString(),
  });
  expect(forged.status).toBe(302);
  expect(forged.headers.location).toBe(instance.url("/login?error=MissingCSRF"));
  expect(forged.setCookies).toEqual([]);
});

test("next-auth's client form (X-Auth-Return-Redirect): JSON with the URL, as before", async () => {
  const { res } = await post(CLIENT, { email: OWNER.email, password: OWNER.password }, { "x-auth-return-redirect": "1" });
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("application/json");
  expect(JSON.parse(res.text)).toEqual({ url: instance.url("/").replace(/\/$/, "") });
  expect(res.setCookies.map((c) => shape(c).shape)).toContain("authjs.session-token=…; Path=/; Expires=…; HttpOnly; SameSite=Lax");
});

test("behind a trusted HTTPS proxy: the public origin, Secure cookies, HSTS; a client's forged headers count for nothing", async () => {
  const proxied = await post(PROXY, { email: OWNER.email, password: OWNER.password }, PUBLIC);
  expect(proxied.res.status).toBe(302);
  expect(proxied.res.headers.location).toBe("https://latchkey.example.com");
  expect(proxied.res.setCookies.map((c) => shape(c).shape)).toEqual([
    "__Host-authjs.callback-url=…; Path=/; HttpOnly; Secure; SameSite=Lax",
    "__Host-authjs.session-token=…; Path=/; Expires=…; HttpOnly; Secure; SameSite=Lax",
  ]);
  expect(securityHeaders(proxied.res)).toEqual(securityHeaders(proxied.csrf));
  expect(proxied.res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");

  const spoofed = await post(CLIENT, { email: OWNER.email, password: OWNER.password }, { ...PUBLIC, "x-forwarded-host": "evil.example" });
  expect(spoofed.res.status).toBe(302);
  expect(spoofed.res.headers.location).toBe(instance.url("/").replace(/\/$/, ""));
  expect(spoofed.res.setCookies.every((c) => !/Secure/.test(c) && !c.startsWith("__Secure-") && !c.startsWith("__Host-"))).toBe(true);
  expect(spoofed.res.headers["strict-transport-security"]).toBeUndefined();
});

test("a second step due: its cookie (HttpOnly, Lax, five minutes; Secure and __Host- named behind HTTPS) and no session", async () => {
  const policy = await fetch(instance.url("/api/settings/security"), {
    method: "PUT",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify({ require_for: "everyone", grace_days: 0 }),
  });
  expect(policy.status).toBe(200);
  try {
    const plain = await post(CLIENT, { email: OWNER.email, password: OWNER.password });
    expect(plain.res.status).toBe(302);
    expect(plain.res.headers.location).toBe(instance.url("/login?error=CredentialsSignin&code=second_step"));
    const [cookie, ...others] = plain.res.setCookies.map(shape);
    expect(others).toEqual([]);
    expect(cookie.shape).toBe("latchkey.second-step=…; Path=/; Expires=…; Max-Age=300; HttpOnly; SameSite=lax");
    expect(Math.abs((cookie.expiresIn ?? 0) - 300)).toBeLessThan(30);

    const proxied = await post(PROXY, { email: OWNER.email, password: OWNER.password }, PUBLIC);
    expect(proxied.res.headers.location).toBe("https://latchkey.example.com/login?error=CredentialsSignin&code=second_step");
    expect(proxied.res.setCookies.map((c) => shape(c).shape)).toEqual(["__Host-latchkey.second-step=…; Path=/; Expires=…; Max-Age=300; Secure; HttpOnly; SameSite=lax"]);
  } finally {
    await fetch(instance.url("/api/settings/security"), {
      method: "PUT",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ require_for: "nobody" }),
    });
  }
});
