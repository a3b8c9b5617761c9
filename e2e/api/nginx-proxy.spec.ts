/**
 * Latchkey behind Debian's nginx with TLS, configured with docs/operations.md's own nginx snippets (review 28): only
 * the names, ports and certificate are changed, and `$host` becomes `$http_host` as the docs say for a port other
 * than 443. The clients speak from 127.0.0.5 to 127.0.0.7; nginx is the only TRUST_PROXY address (127.0.0.1), so a
 * client's own X-Forwarded-For must not be believed. Fails (never skips) with the install command without nginx.
 */
import { expect, test } from "@playwright/test";
import { startNginx, type Nginx } from "../support/nginx";
import { proxyClient, proxySnippetsOfDocs, replaceRequired, signInThroughProxy } from "../support/tls-proxy";
import { freePort } from "../support/ports";
import { OWNER, setUpOwner } from "../support/instance";
import { startServer, type Instance } from "../support/server";

const NAME = "latchkey.localhost";
const CLIENT = "127.0.0.5";
const OTHER_CLIENT = "127.0.0.6";
/** The client that signs in too fast (its count starts with the burst). */
const HURRIED = "127.0.0.7";
const FORGED = "203.0.113.66";
const METRICS_TOKEN = "a-metrics-token-long-enough";

test.describe.configure({ mode: "serial" });

let nginx: Nginx;
let latchkey: Instance;
let publicUrl: string;
let token: string;

/** One request through nginx over TLS, from CLIENT unless `from` says another, on a connection of its own. */
let viaProxy: ReturnType<typeof proxyClient>;

/** docs/operations.md's two nginx parts (the http block's limit, the site) for this port, certificate and Latchkey. */
function docsConfiguration(port: number, upstream: string): string {
  const [httpPart, site] = proxySnippetsOfDocs("nginx");
  let server = site;
  server = replaceRequired(server, "listen 443 ssl http2;", `listen 127.0.0.1:${port} ssl http2;`);
  server = replaceRequired(server, "server_name id.example.com;", `server_name ${NAME};`);
  server = replaceRequired(server, /ssl_certificate\s+\S+;/, "ssl_certificate {certificate};");
  server = replaceRequired(server, /ssl_certificate_key\s+\S+;/, "ssl_certificate_key {key};");
  server = replaceRequired(server, "http://127.0.0.1:3000", upstream);
  // The docs: on a port other than 443, $http_host for $host (which drops the port).
  server = replaceRequired(server, / \$host;/g, " $http_host;");
  return `${httpPart}\n${server}`;
}

test.beforeAll(async () => {
  test.setTimeout(150_000);
  const port = await freePort();
  publicUrl = `https://${NAME}:${port}`;
  latchkey = await startServer({ PUBLIC_URL: publicUrl, TRUST_PROXY: "127.0.0.1", METRICS_TOKEN });
  token = (await setUpOwner(latchkey)).personal_access_token;
  nginx = await startNginx({ port, serverName: NAME, http: docsConfiguration(port, latchkey.baseURL) });
  viaProxy = proxyClient({ port, serverName: NAME, certificate: nginx.certificate, defaultFrom: CLIENT });
});

test.afterAll(async () => {
  await nginx?.stop();
  await latchkey?.stop();
});

test("discovery through nginx names PUBLIC_URL, never the proxy's upstream address; /metrics isn't served publicly", async () => {
  const discovery = await viaProxy("/.well-known/openid-configuration");
  expect(discovery.status, discovery.text).toBe(200);
  const body = JSON.parse(discovery.text) as Record<string, string>;
  expect(body.issuer).toBe(publicUrl);
  expect(body.authorization_endpoint).toBe(`${publicUrl}/oidc/auth`);
  expect(discovery.text).not.toContain(latchkey.baseURL);
  // Latchkey would serve it to this token; the docs' nginx doesn't pass it on, however it is spelled.
  for (const p of ["/metrics", "/metrics?x=1", "//metrics", "/%6detrics"]) {
    expect((await viaProxy(p, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, p).toBe(404);
  }
});

test("a sign-in through nginx sets Secure __Host- cookies and redirects to the public https address; a forged X-Forwarded-For is not believed", async () => {
  const forged = { "x-forwarded-for": FORGED, "x-real-ip": FORGED, forwarded: `for=${FORGED}` };
  await signInThroughProxy(viaProxy, { publicUrl, email: OWNER.email, password: OWNER.password, headers: forged });

  // Activity (through the proxy, with the token): the client's own address for both, never the forged one.
  const exported = await viaProxy("/api/events/export", { headers: { authorization: `Bearer ${token}` } });
  expect(exported.status, exported.text).toBe(200);
  const lines = exported.text.split("\n").filter((l) => /user\.login(\.failed)?,/.test(l));
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect(line).toContain(`,${CLIENT},`);
  expect(exported.text).not.toContain(FORGED);
});

test("the docs' limit refuses a burst of sign-in POSTs to /login with 429, while page loads, Next's assets and other clients pass", async () => {
  const page = await viaProxy("/login", { from: HURRIED });
  expect(page.status).toBe(200);
  const asset = /\/_next\/static\/[^"'\s]+\.js/.exec(page.text)?.[0];
  expect(asset).toBeTruthy();

  // The browser's sign-in form is a server action: a POST to /login. 30 a minute, 10 at once: the 12th is refused.
  // (One more comes back every 2 s: a slow machine may see the 12th pass.)
  const statuses: number[] = [];
  for (let i = 0; i < 16; i++) {
    statuses.push((await viaProxy("/login", { from: HURRIED, method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: "[]" })).status);
  }
  expect(statuses.slice(0, 10)).not.toContain(429);
  expect(statuses.slice(14)).toEqual([429, 429]);
  // …and Auth.js's own sign-in POST shares the count.
  expect((await viaProxy("/api/auth/callback/credentials", { from: HURRIED, method: "POST", body: "" })).status).toBe(429);

  // GETs are never counted: the sign-in page, its scripts and the redirect chain still load for the same client.
  expect((await viaProxy("/login", { from: HURRIED })).status).toBe(200);
  expect((await viaProxy(asset!, { from: HURRIED })).status).toBe(200);
  expect((await viaProxy("/team/users", { from: HURRIED })).status).toBe(307);
  // Another client is not limited by this one's burst.
  expect((await viaProxy("/login", { from: OTHER_CLIENT, method: "POST", body: "[]" })).status).not.toBe(429);
  expect(nginx.errorLog()).toContain('limiting requests, excess');
});
