/**
 * Latchkey behind Debian's Caddy (2.6) with TLS, configured with docs/operations.md's own Caddy snippet: only the
 * site name and port, the certificate (a self-signed one, where the docs let Caddy get one) and Latchkey's address
 * are changed (e2e/support/caddy.ts adds the test's global options: no admin API, no ACME, temp storage). The twin
 * of nginx-proxy.spec.ts for review 28's Caddy checks. The clients speak from 127.0.0.5 and 127.0.0.6; Caddy is the
 * only TRUST_PROXY address (127.0.0.1), so a client's own forwarding headers must not be believed. Fails (never
 * skips) with the install command without caddy.
 */
import { expect, test } from "@playwright/test";
import { requireCaddy, startCaddy, type Caddy } from "../support/caddy";
import { freePort } from "../support/ports";
import { OWNER } from "../support/instance";
import { noteSecretsIn } from "../support/secrets";
import { startServer, type Instance } from "../support/server";
import { proxyClient, proxySnippetsOfDocs, replaceRequired, signInThroughProxy } from "../support/tls-proxy";

const NAME = "latchkey.localhost";
const CLIENT = "127.0.0.5";
const SIGNING_IN = "127.0.0.6";
const FORGED = "203.0.113.66";
/** What a client sends to pass for another address, host or scheme; Caddy must not hand Latchkey any of it as true. */
const FORGED_HEADERS = {
  "x-forwarded-for": FORGED,
  "x-real-ip": FORGED,
  forwarded: `for=${FORGED};host=evil.example;proto=http`,
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "http",
};
const METRICS_TOKEN = "a-metrics-token-long-enough";

test.describe.configure({ mode: "serial" });

let caddy: Caddy;
let latchkey: Instance;
let publicUrl: string;
let owner: { user_id: string; personal_access_token: string };

/** One request through Caddy over TLS, from CLIENT unless `from` says another, on a connection of its own. */
let viaProxy: ReturnType<typeof proxyClient>;

/** docs/operations.md's Caddy site for this name and port, the test's certificate and this Latchkey. */
function docsSite(port: number, upstream: string): string {
  const [site] = proxySnippetsOfDocs("caddy");
  let block = replaceRequired(site, /^id\.example\.com \{$/m, `${NAME}:${port} {\n  tls {certificate} {key}`);
  block = replaceRequired(block, "reverse_proxy 127.0.0.1:3000", `reverse_proxy ${upstream.replace(/^http:\/\//, "")}`);
  return block;
}

test.beforeAll(async () => {
  test.setTimeout(150_000);
  requireCaddy(); // before Latchkey starts: without caddy the spec fails at once with the install command
  const port = await freePort();
  publicUrl = `https://${NAME}:${port}`;
  latchkey = await startServer({ PUBLIC_URL: publicUrl, TRUST_PROXY: "127.0.0.1", METRICS_TOKEN });
  caddy = await startCaddy({ port, serverName: NAME, site: docsSite(port, latchkey.baseURL) });
  viaProxy = proxyClient({ port, serverName: NAME, certificate: caddy.certificate, defaultFrom: CLIENT });
});

test.afterAll(async () => {
  await caddy?.stop();
  await latchkey?.stop();
});

test("setup through Caddy over https; discovery names PUBLIC_URL; /metrics isn't served publicly, however it is spelled", async () => {
  const setup = await viaProxy("/api/instance/setup", {
    method: "POST",
    headers: { ...FORGED_HEADERS, "content-type": "application/json" },
    body: JSON.stringify({ ...OWNER, create_pat: true, pat_expire_in: 30 }),
  });
  expect(setup.status, setup.text).toBe(200);
  owner = JSON.parse(setup.text);
  noteSecretsIn({ owner });
  expect(setup.headers["strict-transport-security"]).toMatch(/max-age=\d+/);

  const discovery = await viaProxy("/.well-known/openid-configuration", { headers: FORGED_HEADERS });
  expect(discovery.status, discovery.text).toBe(200);
  const body = JSON.parse(discovery.text) as Record<string, string>;
  expect(body.issuer).toBe(publicUrl);
  expect(body.authorization_endpoint).toBe(`${publicUrl}/oidc/auth`);
  expect(discovery.text).not.toContain(latchkey.baseURL);
  expect(discovery.text).not.toContain("evil.example");

  // Latchkey serves /metrics to this token; the docs' `respond /metrics 404` keeps it in, however it is spelled
  // (Caddy's path match decodes, merges slashes and ignores case; Latchkey serves only the exact /metrics).
  const spellings = ["/metrics", "/metrics?x=1", "//metrics", "/./metrics", "/%6detrics", "/METRICS", "/metrics.", "/metrics/", "/metrics%2F", "/metrics;x"];
  for (const p of spellings) {
    const answer = await viaProxy(p, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(answer.status, p).not.toBe(200);
    expect(answer.text, p).not.toContain("latchkey_");
  }
  // (Latchkey itself does serve it, so the 404s above are Caddy's.)
  const direct = await fetch(latchkey.url("/metrics"), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(await direct.text()).toContain("latchkey_");
});

test("a sign-in through Caddy sets Secure __Host- cookies and redirects to the public https host and port; forged forwarding headers are not believed", async () => {
  const sessionCookie = await signInThroughProxy(viaProxy, { publicUrl, email: OWNER.email, password: OWNER.password, from: SIGNING_IN, headers: FORGED_HEADERS });

  // The session works through the proxy, and a page's redirect for someone signed out keeps the public host and port.
  const page = await viaProxy("/team/users", { from: SIGNING_IN, headers: { ...FORGED_HEADERS, cookie: sessionCookie } });
  expect(page.status).toBe(200);
  const signedOut = await viaProxy("/team/users", { headers: FORGED_HEADERS });
  expect(signedOut.status).toBe(307);
  expect(signedOut.headers.location).toBe("/login");

  // The sessions list and Activity (through the proxy, with the token): each client's own address, never the forged one.
  const auth = { authorization: `Bearer ${owner.personal_access_token}` };
  const sessions = await viaProxy(`/api/users/${owner.user_id}/sessions`, { headers: auth });
  expect(sessions.status, sessions.text).toBe(200);
  const listed = JSON.parse(sessions.text) as { ip: string | null }[];
  expect(listed.map((s) => s.ip)).toEqual([SIGNING_IN]);

  const exported = await viaProxy("/api/events/export", { headers: auth });
  expect(exported.status, exported.text).toBe(200);
  const logins = exported.text.split("\n").filter((l) => /user\.login(\.failed)?,/.test(l));
  expect(logins.length).toBeGreaterThanOrEqual(2);
  for (const line of logins) expect(line).toContain(`,${SIGNING_IN},`);
  const setUp = exported.text.split("\n").filter((l) => /setup\.completed,/.test(l));
  expect(setUp.length).toBeGreaterThanOrEqual(1);
  for (const line of setUp) expect(line).toContain(`,${CLIENT},`);
  expect(exported.text).not.toContain(FORGED);
});

test("behind Caddy (no body limit of its own) Latchkey's own body limits answer, with its own 413", async () => {
  const auth = { authorization: `Bearer ${owner.personal_access_token}`, "content-type": "application/json" };
  for (const size of [70 * 1024, 2 * 1024 * 1024]) {
    const big = await viaProxy("/api/groups", { method: "POST", headers: auth, body: JSON.stringify({ name: "x".repeat(size) }) });
    expect(big.status, `${size}: ${big.text}`).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ code: 413, message: expect.stringMatching(/^Request body is too large/) });
  }
});
