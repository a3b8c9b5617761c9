/**
 * A real, independent command-line client against Latchkey's OpenID provider: oidc-agent (Debian's
 * oidc-agent-cli 4.2.6, e2e/support/oidc-agent.ts), set up only as docs/oidc.md's "oidc-agent" section says, with
 * Chromium as the person. The device flow: oidc-gen prints the /device address and a code, the person signs in and
 * approves there, and the agent gets tokens; oidc-token hands out an access token Latchkey's userinfo accepts, and
 * refreshes (following the rotated refresh tokens); `oidc-gen -d` revokes the refresh token. The
 * code flow on a loopback redirect URI (oidc-agent's own web server, PKCE) for a single-page/native app. oidc-agent
 * names apps without a secret by HTTP Basic with an empty secret (review 27: lib/oidc/basic-credentials.ts).
 */
import { expect, test, type Browser } from "@playwright/test";
import { bearer, call } from "./support/api";
import { enterDeviceCode, signInForApp } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { startOidcAgent, type OidcAgent, type RunningTool } from "./support/oidc-agent";
import { personWithSession, type Person } from "./support/people";
import { freePort } from "./support/ports";
import { registerApp, type RegisteredApp } from "./support/provider-client";
import { noteSecret } from "./support/secrets";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });
// The device flow waits out one polling interval (5 s), and each refresh makes oidc-agent re-encrypt its account file.
test.setTimeout(90_000);

const SCOPE = "openid profile email offline_access";
/** A new account configuration: its questions answered with their defaults, and no browser opened by oidc-gen (the test's person opens it). */
const NEW_ACCOUNT = ["--confirm-default", "--no-url-call"];
let agent: OidcAgent;
let member: Person;
let device: RegisteredApp;
let auth: Record<string, string>;

test.beforeAll(async () => {
  // First: without oidc-agent installed, every test fails here with the command that installs it.
  agent = await startOidcAgent();
  const owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  member = await personWithSession(instance, auth, "user", "ada@example.com", { username: "ada", name: "Ada Agent" });
  device = await registerApp(instance, auth, { name: "oidc-agent", type: "device" });
});

test.afterAll(async () => {
  await agent?.stop();
});

/** Waits until a running oidc-gen has printed `pattern`, and returns its first group. */
async function printed(gen: RunningTool, pattern: RegExp): Promise<string> {
  await expect.poll(() => pattern.exec(gen.output())?.[1], { timeout: 20_000, message: "oidc-gen's output" }).toBeTruthy();
  return pattern.exec(gen.output())![1];
}

/** The person opens the address oidc-gen printed, enters its code, checks the app's name and approves. */
async function approveOnDevicePage(browser: Browser, address: string, code: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(address);
  await enterDeviceCode(page, code);
  await expect(page.getByRole("heading", { name: "Approve the device?" })).toBeVisible();
  await expect(page.getByText("oidc-agent asks to sign in as you")).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await signInForApp(page, instance.baseURL, member.email, member.password);
  await expect(page.getByRole("heading", { name: "Device connected" })).toBeVisible();
  await context.close();
}

test("device flow: oidc-gen prints /device and a code, the person approves in the browser, and oidc-token's tokens work at Latchkey", async ({ browser }) => {
  const gen = agent.gen(["latchkey", `--iss=${instance.baseURL}`, `--client-id=${device.client_id}`, "--client-secret=", "--flow=device", `--scope=${SCOPE}`, ...NEW_ACCOUNT]);
  const address = await printed(gen, /visit:\s*\n(\S+)/);
  expect(address).toBe(instance.url("/device"));
  const code = await printed(gen, /enter the code: (\S+)/);
  await approveOnDevicePage(browser, address, code);
  const generated = await gen.done;
  expect(generated.output).toContain("Everything setup correctly!");
  expect(generated.code).toBe(0);

  // The access token oidc-agent hands to tools is one Latchkey's userinfo answers for the person.
  const first = await agent.token(["latchkey"]);
  expect(first.code, first.output).toBe(0);
  const accessToken = first.output.trim();
  noteSecret(accessToken);
  const me = await call<Record<string, unknown>>(instance, "/oidc/me", { headers: bearer(accessToken) });
  expect(me.status, me.text).toBe(200);
  expect(me.body).toMatchObject({ sub: member.id, email: member.email, email_verified: true, name: "Ada Agent", preferred_username: "ada" });
  // Refresh: each forced new access token is a refresh grant with the refresh token the one before returned.
  const seen = new Set([accessToken]);
  for (let i = 0; i < 2; i++) {
    const refreshed = await agent.token(["--force-new", "latchkey"]);
    expect(refreshed.code, refreshed.output).toBe(0);
    noteSecret(refreshed.output.trim());
    seen.add(refreshed.output.trim());
  }
  expect(seen.size).toBe(3);
});

test("deleting the account in oidc-agent revokes its refresh token at Latchkey, and Latchkey records it", async () => {
  // The refresh token oidc-agent holds (its account configuration, decrypted with the password it was saved under).
  const saved = agent.gen(["--print=latchkey"]);
  const { output: config } = await saved.done;
  const refreshToken = (JSON.parse(config.slice(config.indexOf("{"))) as { refresh_token: string }).refresh_token;
  noteSecret(refreshToken);
  const deleted = await agent.gen(["-d", "latchkey", "--confirm-yes"]).done;
  expect(deleted.code, deleted.output).toBe(0);
  expect(deleted.output).toContain("Successfully deleted account configuration.");
  // oidc-agent revoked it at the revocation endpoint (RFC 7009): the grant is gone, and the activity log says who.
  const refresh = await fetch(instance.url("/oidc/token"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: device.client_id }),
  });
  expect(refresh.status).toBe(400);
  expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
  const events = await call<Array<{ activity_code: string; target_id?: string; meta: Record<string, unknown> }>>(instance, "/api/events", { headers: auth });
  expect(events.body.find((e) => e.activity_code === "app.tokens.revoked")).toMatchObject({ target_id: member.id, initiator_name: "oidc-agent", meta: { client_id: device.client_id, reason: "revoked_by_app", token: "refresh_token" } });
});

test("code flow on a loopback redirect URI: the person signs in on Latchkey's page and oidc-agent's own web server takes the code (PKCE)", async ({ browser }) => {
  const port = await freePort();
  // oidc-agent only takes redirect URIs of the form http://localhost:<port>.
  const native = await registerApp(instance, auth, { name: "oidc-agent (browser)", type: "spa", redirect_uris: [`http://localhost:${port}`] });
  const gen = agent.gen(["latchkey-code", `--iss=${instance.baseURL}`, `--client-id=${native.client_id}`, "--client-secret=", "--flow=code", `--redirect-uri=http://localhost:${port}`, `--scope=${SCOPE}`, ...NEW_ACCOUNT]);
  const url = new URL(await printed(gen, /(http:\/\/\S+\/oidc\/auth\?\S+)/));
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url.href);
  await signInForApp(page, instance.baseURL, member.email, member.password);
  // Straight back to oidc-agent (nothing to consent to), whose page says it has the tokens.
  await expect(page.getByText("Successfully performed code exchange.")).toBeVisible({ timeout: 20_000 });
  expect(page.url().startsWith(`http://localhost:${port}/?code=`)).toBe(true);
  const generated = await gen.done;
  expect(generated.code, generated.output).toBe(0);
  const token = await agent.token(["latchkey-code"]);
  expect(token.code, token.output).toBe(0);
  noteSecret(token.output.trim());
  const me = await call<{ sub: string }>(instance, "/oidc/me", { headers: bearer(token.output.trim()) });
  expect(me.body.sub).toBe(member.id);
  await context.close();
});
