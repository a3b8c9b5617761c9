/**
 * Discovery through the outbound guard, against real HTTP servers on
 * loopback: the address policy, failure categories that don't tell a closed
 * port from a slow or foreign one, no redirects, and the per-provider cache.
 */
import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { signInConfigurationChanged } from "./configuration-version";
import { DISCOVERY_BACKOFF_MS, DISCOVERY_TTL_MS, fetchDiscovery, forgetDiscoveryCache, providerDiscovery } from "./discovery";
import { guardedFetch, refusalFor } from "@/lib/security/outbound-guard";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler;
let hits: string[] = [];
let server: http.Server;
let base: string;
let other: http.Server;
let otherHits = 0;
let otherBase: string;
let closedPort: number;
let silent: net.Server;
let silentBase: string;

function discoveryDocument(issuer: string) {
  return { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, code_challenge_methods_supported: ["S256"] };
}

const listen = (s: net.Server) => new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port)));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    handler(req, res);
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  other = http.createServer((_req, res) => {
    otherHits += 1;
    res.end("{}");
  });
  otherBase = `http://127.0.0.1:${await listen(other)}`;
  const probe = net.createServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  silent = net.createServer(() => undefined); // accepts and never answers
  silentBase = `http://127.0.0.1:${await listen(silent)}`;
});

afterAll(() => {
  server.close();
  other.close();
  silent.close();
});

afterEach(() => {
  vi.useRealTimers();
  forgetDiscoveryCache();
  hits = [];
});

const serveDiscovery = (issuer = base) => {
  handler = (_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(discoveryDocument(issuer)));
  };
};
const internal = { allowInternal: true };

describe("address policy", () => {
  it("refuses link-local and metadata addresses always, loopback unless allowed, and keeps private ranges", () => {
    for (const address of ["169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "fd00:ec2::254", "100.100.100.200", "0.0.0.0", "::"]) {
      expect(refusalFor(address, internal), address).not.toBeNull();
    }
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(refusalFor(address, { allowInternal: false })?.reason, address).toBe("internal");
      expect(refusalFor(address, internal), address).toBeNull();
    }
    for (const address of ["10.0.0.5", "172.16.3.4", "192.168.1.10", "fd12:3456::1", "8.8.8.8", "2001:db8::1"]) {
      expect(refusalFor(address, { allowInternal: false }), address).toBeNull();
    }
  });

  it("checks the addresses a name resolves to when connecting, not only literal addresses", async () => {
    serveDiscovery();
    const port = new URL(base).port;
    // "localhost" is no literal address: the connection's own lookup refuses it.
    const refused = await guardedFetch({ allowInternal: false })(`http://localhost:${port}/x`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(hits).toEqual([]);
    const allowed = await guardedFetch(internal)(`http://localhost:${port}/x`);
    expect(allowed.status).toBe(200);
  });

  it("refuses a loopback issuer unless the provider allows internal addresses, without any request", async () => {
    serveDiscovery();
    const result = await fetchDiscovery(base, { allowInternal: false });
    expect(result).toMatchObject({ ok: false, category: "address_refused", message: expect.stringContaining("Allow internal addresses") });
    const metadata = await fetchDiscovery("http://169.254.169.254", internal);
    expect(metadata).toMatchObject({ ok: false, category: "address_refused" });
    expect(hits).toEqual([]);
    expect(await fetchDiscovery(base, internal)).toMatchObject({ ok: true, issuer: base, tokenEndpoint: `${base}/token` });
  });
});

describe("what Test connection reports", () => {
  it("tells a closed port, a silent one and a TLS failure apart from nothing: one category, one message", async () => {
    const closed = await fetchDiscovery(`http://127.0.0.1:${closedPort}`, internal);
    const slow = await fetchDiscovery(silentBase, internal, 300);
    const tls = await fetchDiscovery(base.replace("http:", "https:"), internal);
    for (const [r, url] of [
      [closed, `127.0.0.1:${closedPort}`],
      [slow, new URL(silentBase).host],
      [tls, new URL(base).host],
    ] as const) {
      expect(r).toMatchObject({ ok: false, category: "unreachable" });
      expect(r.ok ? "" : r.message.replace(url, "HOST")).toBe(closed.ok ? "" : closed.message.replace(`127.0.0.1:${closedPort}`, "HOST"));
    }
  });

  it("never shows what a server that is not a discovery endpoint answered, whatever its status", async () => {
    const messages = new Set<string>();
    for (const [status, body, type] of [
      [200, "<html>internal admin panel v1.2.3</html>", "text/html"],
      [500, '{"error":"internal-service-banner"}', "application/json"],
      [200, '{"service":"internal-service-banner"}', "application/json"],
      [404, "internal-service-banner", "text/plain"],
    ] as const) {
      handler = (_req, res) => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      };
      const r = await fetchDiscovery(base, internal);
      expect(r).toMatchObject({ ok: false, category: "invalid_response" });
      // The server's own address is named (its port could be 44043 or 45001): what it answered is not.
      expect(JSON.stringify(r).replaceAll(new URL(base).host, "<host>")).not.toMatch(/banner|admin panel|1\.2\.3|500|404/);
      messages.add(r.ok ? "" : r.message);
    }
    expect(messages.size).toBe(1);
  });

  it("does not follow a redirect to another host", async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: `${otherBase}/.well-known/openid-configuration` });
      res.end();
    };
    const r = await fetchDiscovery(base, internal);
    expect(r).toMatchObject({ ok: false, category: "invalid_response" });
    expect(otherHits).toBe(0);
  });

  it("refuses a document that sends the secret, codes or sign-in across the network over plain http (review 12)", async () => {
    // A provider behind a TLS proxy that doesn't know it is reached over https (Keycloak without its proxy
    // setting) names http:// endpoints: the token request would carry the client secret and the code unencrypted.
    for (const field of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"]) {
      handler = (_req, res) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ...discoveryDocument(base), [field]: "http://idp.example.com/realms/team/endpoint" }));
      };
      const r = await fetchDiscovery(base, internal);
      expect(r, field).toMatchObject({ ok: false, category: "invalid_response", ref: { key: "discoveryPlainHttp", params: { endpoint: "http://idp.example.com/realms/team/endpoint" } } });
    }
    // https anywhere, and plain http on this machine (a local test provider, as the issuer itself may be), are fine.
    handler = (_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ...discoveryDocument(base), token_endpoint: "https://idp.example.com/token", userinfo_endpoint: "http://localhost:8080/userinfo" }));
    };
    expect(await fetchDiscovery(base, internal)).toMatchObject({ ok: true, tokenEndpoint: "https://idp.example.com/token" });
  });
});

describe("discovery at sign-in", () => {
  const provider = { id: "p1", issuer: "", allowInternalAddresses: true };

  it("asks the provider once for 50 clicks, and again only after the TTL", async () => {
    serveDiscovery();
    const p = { ...provider, issuer: base };
    const results = await Promise.all(Array.from({ length: 25 }, () => providerDiscovery(p)));
    for (let i = 0; i < 25; i++) results.push(await providerDiscovery(p));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(hits.length).toBe(1);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + DISCOVERY_TTL_MS + 1 });
    await providerDiscovery(p);
    expect(hits.length).toBe(2);
  });

  it("backs off after a failure: at most one request a minute while the provider is down", async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const p = { ...provider, issuer: base };
    const start = Date.now();
    for (let i = 0; i < 50; i++) expect(await providerDiscovery(p)).toMatchObject({ ok: false });
    expect(hits.length).toBe(1);
    vi.useFakeTimers({ toFake: ["Date"], now: start + DISCOVERY_BACKOFF_MS - 1_000 });
    await providerDiscovery(p);
    expect(hits.length).toBe(1);
    // Back up: the next request after the back-off finds it.
    serveDiscovery();
    vi.setSystemTime(start + DISCOVERY_BACKOFF_MS + 5_000);
    expect(await providerDiscovery(p)).toMatchObject({ ok: true });
    expect(hits.length).toBe(2);
  });

  it("keys the cache by provider, issuer and address policy, so an edit is seen at once", async () => {
    serveDiscovery();
    await providerDiscovery({ ...provider, issuer: base });
    expect(await providerDiscovery({ ...provider, issuer: base, allowInternalAddresses: false })).toMatchObject({ ok: false, category: "address_refused" });
    serveDiscovery(`${base}/tenant`);
    expect(await providerDiscovery({ ...provider, issuer: `${base}/tenant` })).toMatchObject({ ok: true, issuer: `${base}/tenant` });
    await providerDiscovery({ ...provider, id: "p2", issuer: base });
    expect(hits.length).toBe(3);
  });

  it("forgets what it holds when the sign-in configuration changes on any replica, ending a back-off", async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const p = { ...provider, issuer: base };
    expect(await providerDiscovery(p)).toMatchObject({ ok: false });
    serveDiscovery();
    expect(await providerDiscovery(p)).toMatchObject({ ok: false });
    expect(hits.length).toBe(1);
    // The admin fixes the provider and saves, wherever that request landed: the change commits with a new version.
    await writeSystem((tx) => signInConfigurationChanged(tx));
    expect(await providerDiscovery(p)).toMatchObject({ ok: true });
    expect(hits.length).toBe(2);
  });
});
