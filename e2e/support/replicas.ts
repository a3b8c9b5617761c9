/**
 * Several Latchkey servers on one PostgreSQL database, as behind a load
 * balancer: a PostgreSQL server of the spec's own (whatever TEST_DATABASE says;
 * without PostgreSQL installed, starting it fails with the install command),
 * and a round-robin HTTP proxy that sends each request to the next replica in
 * turn, adding the peer's address to X-Forwarded-For as a reverse proxy does
 * (the replicas run with TRUST_PROXY=true, so they believe it from loopback).
 */
import http from "node:http";
import type net from "node:net";
import type { PostgresServer } from "../../scripts/test-support/postgres.mjs";
import type { Instance } from "./server";

/** Starts a throwaway PostgreSQL server for this spec (scripts/test-support/postgres.mjs). */
export async function startOwnPostgres(): Promise<PostgresServer> {
  // Loaded as ESM at run time: Playwright's TypeScript loader can't require() this plain-Node module.
  const { startPostgres } = await import("../../scripts/test-support/postgres.mjs");
  return startPostgres();
}

export type RoundRobin = Instance & {
  /** How many requests each upstream has served, in the order given. */
  served: number[];
  close: () => Promise<void>;
};

/** A proxy on a free loopback port alternating between `upstreams` per request. */
export async function roundRobinProxy(upstreams: Instance[]): Promise<RoundRobin> {
  const served = upstreams.map(() => 0);
  let next = 0;
  // A connection per request: with keep-alive a request could go out on a connection the replica had just
  // closed as idle (its keepAliveTimeout), and come back as ECONNRESET (a 502 the spec never caused; seen
  // once under the full suite's load). Loopback connections are cheap.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const index = next++ % upstreams.length;
    served[index] += 1;
    const target = new URL(upstreams[index].baseURL);
    const peer = req.socket.remoteAddress ?? "127.0.0.1";
    const forwardedFor = req.headers["x-forwarded-for"];
    const headers = {
      ...req.headers,
      "x-forwarded-for": forwardedFor ? `${forwardedFor}, ${peer}` : peer,
      "x-forwarded-host": req.headers.host ?? "",
      "x-forwarded-proto": "http",
    };
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`proxy: ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const baseURL = `http://127.0.0.1:${port}`;
  return {
    baseURL,
    dataDir: upstreams[0].dataDir,
    databaseUrl: upstreams[0].databaseUrl,
    pid: upstreams[0].pid,
    url: (p) => `${baseURL}${p}`,
    logs: () => upstreams.map((u, i) => `--- replica ${i}\n${u.logs()}`).join("\n"),
    stop: async () => undefined,
    served,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
