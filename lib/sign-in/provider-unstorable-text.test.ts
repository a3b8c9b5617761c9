/**
 * The OpenID provider's endpoints with a NUL (U+0000) in a parameter: PostgreSQL refuses one in a
 * query's text (the driver threw, the provider answered 500 server_error), SQLite looked for it.
 * Each answers the protocol's own error for a value no client, code or token can have.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { applications } from "@/lib/db/schema";
import { personAndApp } from "@/test/oidc-fixtures";
import { startProviderServer } from "@/test/provider-server";
import { eq } from "drizzle-orm";

let provider: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;
let clientId: string;
const REDIRECT = "https://app.example.com/callback";

beforeAll(async () => {
  provider = await startProviderServer();
  base = provider.base;
  const app = await personAndApp();
  clientId = app.clientId;
  await writeSystem(async (tx) => {
    await tx.update(applications).set({ type: "spa", redirectUris: [REDIRECT] }).where(eq(applications.id, app.applicationId));
  });
});

afterAll(() => provider.close());

const NUL = "a\u0000b";

async function get(path: string, params: Record<string, string>) {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`, { redirect: "manual", headers: { accept: "application/json" } });
  return { status: res.status, location: res.headers.get("location"), body: await res.text() };
}

async function post(path: string, params: Record<string, string>) {
  const res = await fetch(`${base}${path}`, { method: "POST", body: new URLSearchParams(params), redirect: "manual", headers: { accept: "application/json" } });
  return { status: res.status, location: res.headers.get("location"), body: await res.text() };
}

const authorize = { response_type: "code", scope: "openid", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" };

describe("a NUL in an OpenID provider parameter gets the protocol's error, never a 500", () => {
  it.each([
    ["client_id", () => ({ ...authorize, client_id: NUL, redirect_uri: REDIRECT })],
    ["redirect_uri", () => ({ ...authorize, client_id: clientId, redirect_uri: `${REDIRECT}${NUL}` })],
    ["state", () => ({ ...authorize, client_id: clientId, redirect_uri: REDIRECT, state: NUL })],
    ["login_hint", () => ({ ...authorize, client_id: clientId, redirect_uri: REDIRECT, login_hint: NUL })],
    ["nonce", () => ({ ...authorize, client_id: clientId, redirect_uri: REDIRECT, nonce: NUL })],
  ])("the authorization request's %s", async (_name, params) => {
    const res = await get("/oidc/auth", params());
    expect(res.body).not.toMatch(/server_error/);
    expect(res.status).toBeLessThan(500);
  });

  it.each([
    ["code", () => ({ grant_type: "authorization_code", client_id: clientId, code: NUL, redirect_uri: REDIRECT, code_verifier: "x".repeat(43) })],
    ["refresh_token", () => ({ grant_type: "refresh_token", client_id: clientId, refresh_token: NUL })],
    ["client_id", () => ({ grant_type: "authorization_code", client_id: NUL, code: "abc", redirect_uri: REDIRECT })],
  ])("the token endpoint's %s", async (_name, params) => {
    const res = await post("/oidc/token", params());
    expect(res.status).toBe(_name === "client_id" ? 401 : 400);
    expect(JSON.parse(res.body).error).toBe(_name === "client_id" ? "invalid_client" : "invalid_grant");
  });

  it.each([
    ["device authorization client_id", "/oidc/device/auth", () => ({ client_id: NUL, scope: "openid" })],
    ["end session client_id", "/oidc/session/end", () => ({ client_id: NUL })],
    ["introspection token", "/oidc/token/introspection", () => ({ client_id: clientId, token: NUL })],
    ["revocation token", "/oidc/token/revocation", () => ({ client_id: clientId, token: NUL })],
  ])("%s", async (_name, path, params) => {
    const res = await post(path, params());
    expect(res.status).toBeLessThan(500);
  });

  it("the client_id of Basic credentials", async () => {
    const res = await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: { accept: "application/json", authorization: `Basic ${Buffer.from(`${encodeURIComponent(NUL)}:secret`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "abc", redirect_uri: REDIRECT }),
    });
    expect([400, 401]).toContain(res.status);
    expect(["invalid_request", "invalid_client"]).toContain((await res.json()).error);
  });

  it("the device page's user code", async () => {
    const page = await fetch(`${base}/device`, { headers: { accept: "text/html" } });
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    expect(xsrf).toBeTruthy();
    const cookie = page.headers.getSetCookie().map((c) => c.split(";", 1)[0]).join("; ");
    const res = await fetch(`${base}/device`, { method: "POST", headers: { cookie, accept: "text/html" }, body: new URLSearchParams({ xsrf: xsrf!, user_code: `BCDF${NUL}GHJK` }), redirect: "manual" });
    expect(res.status).toBeLessThan(500);
  });
});
