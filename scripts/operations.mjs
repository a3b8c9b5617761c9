// The operations side of scripts/server.mjs (plain Node: it can't import lib/,
// so lib/startup.ts hands over what it needs on globalThis):
// - one structured (pino) log line per request: method, route pattern, status,
//   time, request id, actor id. Never the query string, headers, cookies or
//   bodies, and path segments that aren't plain words become ":param", so a
//   token or email in a URL never reaches a log;
// - GET /metrics (prom-client's text, rendered by lib/observability/metrics.ts) with a
//   Bearer METRICS_TOKEN, or without one on METRICS_PORT bound to loopback;
// - a graceful stop on SIGTERM/SIGINT: /api/ready turns 503, no new
//   connections, requests in flight finish (up to 10 s), then the database
//   closes (SQLite checkpoints its WAL) and the process exits.
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import http from "node:http";
import { createRequire } from "node:module";
import pino from "pino";

const SHUTDOWN_GRACE_MS = 10_000;

/** pino, pretty-printed when attached to a terminal and pino-pretty (an optional dev dependency) is installed. */
export function createLogger(level) {
  if (process.stdout.isTTY) {
    try {
      createRequire(import.meta.url).resolve("pino-pretty");
      return pino({ level, transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } } });
    } catch {
      // Not installed (production installs skip dev dependencies): JSON lines.
    }
  }
  return pino({ level });
}

/** A path as a route pattern: plain lower-case words stay, anything else (ids, tokens, emails, file names) is ":param". */
export function routeOf(url) {
  const pathname = (url ?? "/").split(/[?#]/, 1)[0];
  return pathname
    .split("/")
    .map((segment) => (segment === "" || /^[a-z_][a-z._-]{0,31}$/.test(segment) && !segment.includes("..") ? segment : ":param"))
    .join("/") || "/";
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Wraps each request: a request id (a well-formed incoming X-Request-Id, or a
 * new one; sent back as X-Request-Id), an AsyncLocalStorage store the app
 * writes the actor id into (lib/observability/request-log.ts), and on completion the
 * log line and the request metrics.
 */
export function requestObserver(logger, operations) {
  const context = new AsyncLocalStorage();
  globalThis[Symbol.for("latchkey.requestContext")] = context;
  const inFlight = new Set();
  const observe = (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("X-Request-Id", requestId);
    const store = { actorId: null };
    inFlight.add(res);
    res.once("close", () => {
      inFlight.delete(res);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req.url);
      const status = res.writableFinished ? res.statusCode : 499;
      const line = {
        method: req.method,
        route,
        status,
        duration_ms: Math.round(seconds * 1000 * 10) / 10,
        request_id: requestId,
        actor_id: store.actorId,
      };
      if (status >= 500) logger.error(line, "request");
      else logger.info(line, "request");
      // Static files are counted under one route: their names change with every build.
      operations.observeRequest?.(req.method, route.startsWith("/_next/") ? "/_next/*" : route, status, seconds);
    });
    context.run(store, next);
  };
  observe.inFlight = inFlight;
  return observe;
}

function digest(value) {
  return crypto.createHash("sha256").update(value).digest();
}

async function writeMetrics(res, operations) {
  try {
    const { contentType, body } = await operations.renderMetrics();
    res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(503, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ message: "Metrics are not available", code: 503 }));
  }
}

/**
 * GET /metrics on the main port: only with METRICS_TOKEN (then the Bearer must
 * match); without it, false (Next.js answers 404). Returns whether it answered.
 */
export function serveMetrics(req, res, operations, { tokenRequired }) {
  if (routeOf(req.url) !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return false;
  if (!operations.renderMetrics) return false;
  if (tokenRequired) {
    if (!operations.metricsToken) return false;
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!match || !crypto.timingSafeEqual(digest(match[1]), digest(operations.metricsToken))) {
      res.writeHead(401, { "Content-Type": "application/json", "WWW-Authenticate": 'Bearer realm="metrics"' });
      res.end(JSON.stringify({ message: "A valid metrics token is required", code: 401 }));
      return true;
    }
  }
  void writeMetrics(res, operations);
  return true;
}

/** METRICS_PORT: /metrics without a token, on 127.0.0.1 only (for a Prometheus on the same host or a sidecar). */
export function metricsServer(operations, logger) {
  if (!operations.metricsPort) return null;
  const server = http.createServer((req, res) => {
    if (serveMetrics(req, res, operations, { tokenRequired: false })) return;
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ message: "Not found", code: 404 }));
  });
  server.listen(operations.metricsPort, "127.0.0.1", () => logger.info(`Metrics on http://127.0.0.1:${operations.metricsPort}/metrics`));
  return server;
}

/** SIGTERM/SIGINT: stop accepting, finish what is in flight (≤ 10 s), close the database, exit 0. */
export function shutdownOnSignals({ servers, logger, operations, inFlight }) {
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    globalThis[Symbol.for("latchkey.shuttingDown")] = true;
    logger.info({ signal, in_flight: inFlight.size }, "Shutting down: no new connections; finishing requests in flight (up to 10 s)");
    for (const server of servers) {
      server.close();
      server.closeIdleConnections();
    }
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (inFlight.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      for (const server of servers) server.closeIdleConnections();
    }
    if (inFlight.size > 0) logger.warn({ in_flight: inFlight.size }, "Requests still in flight after 10 s: closing their connections");
    for (const server of servers) server.closeAllConnections();
    try {
      await operations.closeDatabase?.();
      logger.info("Database closed; stopped.");
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, "Closing the database failed");
    }
    logger.flush?.();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stop(signal));
}
