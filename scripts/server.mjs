// Latchkey's HTTP server: Next.js behind a plain Node server, so the real
// socket address reaches the app (in x-latchkey-peer, overwriting whatever a
// client sends) for sessions, the activity log, rate limits and trusted-proxy
// checks. Use `--dev` for development with hot reload. Also the operations
// side of serving (scripts/operations.mjs): one pino log line per request,
// /metrics, and a graceful stop on SIGTERM.
// First, before Next.js loads: how much memory the V8 heap keeps (scripts/memory-tuning.mjs).
import { collectWhenIdle, tuneHeap } from "./memory-tuning.mjs";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, metricsServer, requestObserver, serveMetrics, shutdownOnSignals } from "./operations.mjs";
import { answerOutageFor } from "./outage-answer.mjs";
import { HELD_BODY_TIMEOUT_MS } from "./body-limit.mjs";
import { requestGuards } from "./request-guards.mjs";
import { shareServerChunks } from "./shared-chunks.mjs";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV ??= dev ? "development" : "production";
if (!dev) {
  tuneHeap();
  collectWhenIdle();
}
const { default: next } = await import("next");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// lib/ reads the app's own files (migrations, the common-password list, the API docs' assets) from process.cwd(),
// as Next.js's server does: run from the app's directory, whatever directory started it (`node
// /opt/latchkey/scripts/start.mjs` from elsewhere stopped at "Can't find meta/_journal.json"). A DATA_DIR given as a
// relative path stays the starter's (as a shell user means it); the default ./data is the app's, where the commands
// (`npm run backup`, …) look for it.
if (process.env.DATA_DIR) process.env.DATA_DIR = path.resolve(process.env.DATA_DIR);
process.chdir(root);
// The build's server chunks that several routes load: one copy in memory (scripts/shared-chunks.mjs).
if (!dev) shareServerChunks(path.join(root, ".next", "server"));
// Read here because Next.js needs it before lib/ loads; lib/config.ts validates the same PORT with the same default
// during prepare, so a bad value stops the start before anything listens.
const port = Number.parseInt(process.env.PORT || "3000", 10);
const host = process.env.HOST || undefined; // all interfaces unless told otherwise

// The built Auth.js route (app/api/auth/[...nextauth]/route.ts) as Next.js itself loads it: the sign-in
// form's POST, answered before Next.js (lib/sign-in/credentials-http.ts), calls this route's own POST, so
// the process holds one copy of Auth.js and the sign-in's lib/ modules, not a second one in the
// instrumentation bundle. `require` shares Node's module cache (and Turbopack's runtime) with Next.js.
// Its module graph is asynchronous when it holds an ES module external (nodemailer 10 is one: Turbopack loads it
// with import()), and then `userland` throws "The lazy module is still loading" until the route has loaded: a
// sign-in POST that came before any other /api/auth request got a 500. So the route is loaded (awaited) before
// the server listens (below), and `userland` is read only after that.
const builtAuthRoute = dev
  ? null
  : () => createRequire(import.meta.url)(path.join(root, ".next", "server", "app", "api", "auth", "[...nextauth]", "route.js")).routeModule;
if (builtAuthRoute) globalThis[Symbol.for("latchkey.builtAuthRoute")] = () => builtAuthRoute().userland;

// Production serves the configuration the build resolved (.next/required-server-files.json), handed
// over the way the server.js of Next's own standalone output does, instead of transpiling
// next.config.ts at every start: that loads SWC's native binding (27 MiB, resident for the life of
// the process) for one small file.
const builtConfig = path.join(root, ".next", "required-server-files.json");
if (!dev && fs.existsSync(builtConfig)) {
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(JSON.parse(fs.readFileSync(builtConfig, "utf8")).config);
}
const app = next({ dev, dir: root, port, hostname: host ?? "localhost" });
const handle = app.getRequestHandler();
await app.prepare();
// Next.js starts instrumentation's register() (lib/startup.ts) during prepare but doesn't wait for it.
// Listen only once start-up has finished, so a start that is refused (wrong key, unreachable database)
// never accepts a connection. (Dev mode compiles instrumentation lazily: it isn't awaited there.)
if (!dev) {
  const started = Symbol.for("latchkey.started");
  while (globalThis[started] !== true) await new Promise((resolve) => setTimeout(resolve, 10));
  // ensureUserland: Next.js 16.4 and later; a synchronous route module is loaded by the require itself.
  await builtAuthRoute?.().ensureUserland?.();
}
// Body caps and server-action checks, before Next.js reads anything (`next dev` builds into .next/dev).
const guard = requestGuards(path.join(root, ".next", dev ? "dev" : ""));

// Forwarding headers (X-Forwarded-Host/-Proto/-For, Forwarded) count only from
// a TRUST_PROXY peer: lib/startup.ts hands over the rule (lib/http/request-meta.ts)
// during prepare. Until it has (dev mode), none are believed.
const FORWARDING = /^(forwarded|x-forwarded-.*|x-real-ip)$/;
function dropForwarding(headers, peer) {
  const rule = globalThis[Symbol.for("latchkey.dropUntrustedForwarding")];
  if (rule) return rule(headers, peer);
  for (const name of Object.keys(headers)) if (FORWARDING.test(name)) delete headers[name];
}

// lib/startup.ts publishes the validated settings and hooks (absent in dev mode until it has run).
const operations = globalThis[Symbol.for("latchkey.operations")] ?? {};
const logger = createLogger(operations.logLevel ?? process.env.LOG_LEVEL ?? "info");
const observe = requestObserver(logger, operations);

// The OpenID provider (lib/sign-in/app-sign-in-http.ts, published by lib/startup.ts) answers its own
// paths (/oidc/*, /.well-known/openid-configuration, /device) after the guards, before Next.js.
function route(req, res) {
  const oidc = globalThis[Symbol.for("latchkey.oidcRequestHandler")];
  if (oidc?.(req, res)) return;
  // The API's routes answer a database outage themselves (503, lib/http/errors.ts); pages can't set their status.
  // Next's static files read no database.
  if (!req.url.startsWith("/api/") && !req.url.startsWith("/_next/static/")) answerPageOutages(req, res);
  handle(req, res);
}

// A page whose database read failed: 503 for Next's 500 (scripts/outage-answer.mjs; the answer is
// lib/ops/unavailable-answer.ts's, published by lib/startup.ts). The note is kept in this request's log context
// (scripts/operations.mjs).
function answerPageOutages(req, res) {
  const pages = globalThis[Symbol.for("latchkey.unavailablePages")];
  const store = globalThis[Symbol.for("latchkey.requestContext")]?.getStore();
  if (pages && store) answerOutageFor(req, res, store, pages.answer);
}

/**
 * How long a client may take to send a request (review 25). Node's defaults let a request's headers take 60 s and
 * its whole body 5 minutes, checked every 30 s: a caller holding many connections, each with a body declared and
 * all but a byte of it sent (64 KiB to the sign-in form), kept ~61 KiB of memory per connection for 5 minutes
 * (3,000 of them: +180 MiB). Every request here is small (1 MiB at most: scripts/body-limit.mjs), so the whole
 * request gets the time a held body gets there, the headers a third of it (10 s; Apache allows 20–40), checked every
 * 2 s. Sending the same held memory again then costs the caller ten times the bandwidth. Answers are not
 * limited (exports stream for as long as they take); an idle kept-alive connection closes after 5 s, Node's
 * default, said here so that a change is deliberate (docs/operations.md, "Reverse proxy").
 */
const CONNECTION_TIMEOUTS = {
  requestTimeout: HELD_BODY_TIMEOUT_MS,
  headersTimeout: HELD_BODY_TIMEOUT_MS / 3,
  connectionsCheckingInterval: 2_000,
  keepAliveTimeout: 5_000,
};

const server = http.createServer(CONNECTION_TIMEOUTS, (req, res) => {
  dropForwarding(req.headers, req.socket.remoteAddress);
  req.headers["x-latchkey-peer"] = req.socket.remoteAddress ?? "";
  observe(req, res, () => {
    if (serveMetrics(req, res, operations, { tokenRequired: true })) return;
    guard(req, res, route);
  });
});
server.listen(port, host, () => {
  logger.info(`Latchkey is listening on http://localhost:${port}`);
});
const metrics = metricsServer(operations, logger);

shutdownOnSignals({ servers: [server, metrics].filter(Boolean), logger, operations, inFlight: observe.inFlight });
