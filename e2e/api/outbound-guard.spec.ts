/**
 * Outbound calls can't be turned into a scanner, through the API against the
 * real server: anonymous sign-in starts and callbacks ask a provider for its
 * discovery document at most once (cached), "Test connection" refuses
 * loopback unless allowed and metadata addresses always, and reports a
 * category without what a foreign server answered (the client check goes to the
 * token endpoint discovery named, through the same guard); LDAP needs explicit
 * choices for plain ldap:// and loopback; a new provider lets in only
 * existing users.
 */
import http from "node:http";
import type net from "node:net";
import { expect, test } from "@playwright/test";
import { CookieJar, expectFieldErrors } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { tokenClient, type Client } from "../support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let ownerApi: Client;
let idp: http.Server;
let base: string;
let discoveryHits = 0;
let otherHits = 0;
let tokenHits = 0;
let answer: "discovery" | "foreign" = "discovery";

const providerBody = (over: Record<string, unknown> = {}) => ({ type: "oidc", name: "Local IdP", issuer: base, client_id: "latchkey", client_secret: "local-idp-secret", ...over });

test.beforeAll(async () => {
  ownerApi = tokenClient(instance, (await setUpOwner(instance)).personal_access_token);
  idp = http.createServer((req, res) => {
    if (req.url === "/.well-known/openid-configuration" && answer === "discovery") {
      discoveryHits += 1;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer: base, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, userinfo_endpoint: `${base}/me`, jwks_uri: `${base}/jwks` }));
      return;
    }
    if (req.url === "/token" && req.method === "POST" && answer === "discovery") {
      // Test connection's check of the client: a code that can't be valid, refused as a provider refuses it.
      tokenHits += 1;
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_grant" }));
      return;
    }
    otherHits += 1;
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>internal-admin-console build 7.7.7</html>");
  });
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(idp.address() as net.AddressInfo).port}`;
});

test.afterAll(() => {
  idp?.close();
});

test("a new provider lets in only people an admin created or invited, unless the owner chooses otherwise", async () => {
  const created = await ownerApi.post("/api/identity-providers", providerBody({ name: "Defaults" }));
  expect(created.status, created.text).toBe(200);
  expect(created.body).toMatchObject({ signup_policy: "existing", allow_linking: true, allow_internal_addresses: false });
  const open = await ownerApi.post("/api/identity-providers", providerBody({ name: "Open on purpose", signup_policy: "open" }));
  expect(open.body).toMatchObject({ signup_policy: "open", allow_linking: false });
});

test("Test connection refuses loopback unless allowed and metadata addresses always, and never shows a foreign answer", async () => {
  const loopback = await ownerApi.post<{ id: string }>("/api/identity-providers", providerBody({ name: "Loopback IdP" }));
  const refused = await ownerApi.post(`/api/identity-providers/${loopback.body.id}/test`, {});
  expect(refused.body).toMatchObject({ ok: false, category: "address_refused", message: expect.stringContaining("Allow internal addresses") });
  expect(discoveryHits + otherHits).toBe(0);

  const metadata = await ownerApi.post<{ id: string }>("/api/identity-providers", providerBody({ name: "Metadata", issuer: "https://169.254.169.254", allow_internal_addresses: true }));
  expect(metadata.status, metadata.text).toBe(200);
  expect((await ownerApi.post(`/api/identity-providers/${metadata.body.id}/test`, {})).body).toMatchObject({ ok: false, category: "address_refused" });

  const allowed = await ownerApi.put<{ allow_internal_addresses: boolean }>(`/api/identity-providers/${loopback.body.id}`, providerBody({ name: "Loopback IdP", allow_internal_addresses: true }));
  expect(allowed.body.allow_internal_addresses).toBe(true);
  expect((await ownerApi.post(`/api/identity-providers/${loopback.body.id}/test`, {})).body).toMatchObject({ ok: true, issuer: base, client_credentials: "accepted" });
  // The client check went to the token endpoint discovery named, through the same guard (loopback allowed here).
  expect(tokenHits).toBe(1);

  answer = "foreign";
  const foreign = await ownerApi.post(`/api/identity-providers/${loopback.body.id}/test`, {});
  answer = "discovery";
  expect(foreign.body).toMatchObject({ ok: false, category: "invalid_response" });
  expect(foreign.text).not.toMatch(/internal-admin-console|7\.7\.7|html/);
});

test("anonymous sign-in starts and callbacks ask the provider for its discovery document at most once", async () => {
  const provider = await ownerApi.post<{ id: string }>("/api/identity-providers", providerBody({ name: "Cached IdP", allow_internal_addresses: true, signup_policy: "open" }));
  expect(provider.status, provider.text).toBe(200);
  const before = discoveryHits;
  for (let i = 0; i < 25; i++) {
    const jar = new CookieJar();
    const csrf = await fetch(instance.url("/api/auth/csrf"), { redirect: "manual" });
    jar.update(csrf.headers);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const start = await fetch(instance.url(`/api/auth/signin/${provider.body.id}`), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header },
      body: new URLSearchParams({ csrfToken, callbackUrl: instance.url("/") }),
    });
    await start.text();
    expect(start.headers.get("location") ?? "").toContain(`${base}/auth?`);
    const callback = await fetch(instance.url(`/api/auth/callback/${provider.body.id}?code=forged&state=forged`), { redirect: "manual" });
    await callback.text();
    expect(callback.status).toBeLessThan(500);
  }
  expect(discoveryHits - before).toBeLessThanOrEqual(1);
});

test("LDAP: plain ldap:// needs an explicit choice, loopback needs internal addresses, metadata is never contacted", async () => {
  const body = { url: "ldap://ldap.example.com:389", bind_dn: "cn=latchkey,dc=example,dc=com", bind_password: "bind secret", search_base: "dc=example,dc=com" };
  const plain = await ownerApi.put("/api/settings/ldap", body);
  expect(expectFieldErrors(plain, "allow_unencrypted").allow_unencrypted[0]).toContain("unencrypted");
  const chosen = await ownerApi.put("/api/settings/ldap", { ...body, allow_unencrypted: true });
  expect(chosen.status, chosen.text).toBe(200);
  expect(chosen.body).toMatchObject({ allow_unencrypted: true, allow_internal_addresses: false });
  expect((await ownerApi.put("/api/settings/ldap", { ...body, url: "ldaps://ldap.example.com:636" })).status).toBe(200);

  const loopback = await ownerApi.post("/api/settings/ldap/test", { ...body, url: base.replace("http:", "ldap:"), allow_unencrypted: true });
  expect(loopback.body).toMatchObject({ ok: false, message: expect.stringContaining("Allow internal addresses") });
  const metadata = await ownerApi.post("/api/settings/ldap/test", { ...body, url: "ldap://169.254.169.254:389", allow_unencrypted: true, allow_internal_addresses: true });
  expect(metadata.body).toMatchObject({ ok: false, message: expect.stringContaining("never contacts") });
  expect(otherHits).toBe(1); // only the foreign answer above: LDAP reached nothing
});
