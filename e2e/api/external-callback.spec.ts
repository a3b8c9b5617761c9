/**
 * Review 12: the return from an identity provider (/api/auth/callback/{provider}) is a public address. A callback
 * that doesn't belong to a sign-in this browser started (no state cookie: a forged or replayed link, a stale tab)
 * and a provider answering with an error (the person pressed "Cancel" there) are the client's doing, as a form post
 * without its CSRF token is: the person is sent to the sign-in page with its message, and the log gets one line. It
 * got a stack trace per request, for anyone who knew a provider's id (the sign-in page shows it).
 */
import http from "node:http";
import { expect, test } from "@playwright/test";
import { bearer, call } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let idp: TestOidcProvider;
let providerId: string;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  idp = await startOidcProvider(instance.url("/api/auth/callback/unused"));
  const created = await call<{ id: string }>(instance, "/api/identity-providers", {
    method: "POST",
    headers: bearer(owner.personal_access_token),
    json: { type: "oidc", name: "Test IdP", issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret, allow_internal_addresses: true },
  });
  expect(created.status, created.text).toBe(200);
  providerId = created.body.id;
});

test.afterAll(async () => {
  await idp?.stop();
});

type Answer = { status: number; location: string | undefined; setCookies: string[]; text: string };

function request(pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(instance.url(pathname), { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookies: res.headers["set-cookie"] ?? [], text: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(";")[0]).join("; ");

/** What the server logged while `fn` ran (and shortly after). */
async function logsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; log: string }> {
  const start = instance.logs().length;
  const result = await fn();
  await new Promise((r) => setTimeout(r, 300));
  return { result, log: instance.logs().slice(start) };
}

function expectOneLineNoStack(log: string, type: string): void {
  expect(log, "the server logged a stack trace").not.toMatch(/^\s+at\s/m);
  expect(log.split("\n").filter((l) => l.includes(type))).toHaveLength(1);
}

test("a callback no sign-in of this browser started goes to the sign-in page and logs one line, not a stack", async () => {
  const { result, log } = await logsDuring(() => request(`/api/auth/callback/${providerId}?code=forged&state=forged`));
  expect(result.status).toBe(302);
  expect(result.location).toMatch(/\/login\?error=/);
  expectOneLineNoStack(log, "InvalidCheck");
});

test("a provider's error answer (the person cancelled there) goes to the sign-in page and logs one line, not a stack", async () => {
  // The sign-in starts as the button does: Auth.js's CSRF token, then the provider's sign-in path.
  const csrf = await request("/api/auth/csrf");
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const started = await request(`/api/auth/signin/${providerId}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(csrf.setCookies) },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/" }).toString(),
  });
  expect(started.location, started.text).toMatch(new RegExp(`^${idp.issuer}/`));
  const state = new URL(started.location!).searchParams.get("state")!;
  const { result, log } = await logsDuring(() =>
    request(`/api/auth/callback/${providerId}?${new URLSearchParams({ error: "access_denied", state, iss: idp.issuer })}`, {
      headers: { cookie: cookieHeader([...csrf.setCookies, ...started.setCookies]) },
    }),
  );
  expect(result.status).toBe(302);
  expect(result.location).toMatch(/\/login\?error=/);
  expectOneLineNoStack(log, "OAuthCallbackError");
});

test("a way back that isn't a URL is dropped, not a 500 with the value in the log (review 47)", async () => {
  const { result, log } = await logsDuring(() => request(`/api/auth/session?${new URLSearchParams({ callbackUrl: "http://a:b\n[auth][error] forged line" })}`));
  expect(result.status, result.text).toBe(200);
  expect(log).not.toContain("forged line");
  expect(log).not.toMatch(/^\s+at\s/m);
  // Planted in the way-back cookie, it doesn't fail the browser's requests either; Auth.js writes the cookie anew.
  const planted = await request("/api/auth/session", { headers: { cookie: "authjs.callback-url=http%3A%2F%2Fa%3Ab" } });
  expect(planted.status, planted.text).toBe(200);
  expect(planted.setCookies.join("\n")).toMatch(/authjs\.callback-url=http/);
});
