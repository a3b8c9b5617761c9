/**
 * Watching a running server: /metrics (Prometheus text, Bearer METRICS_TOKEN,
 * or METRICS_PORT on loopback) whose counters move with traffic, /api/ready,
 * one JSON log line per request without secrets, and a graceful SIGTERM that
 * finishes a request in flight and leaves SQLite's WAL checkpointed.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { canConnect, freePort } from "../support/ports";
import { killGroup, untilListening } from "../support/processes";
import { expect, test } from "@playwright/test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { call, signIn } from "../support/api";
import { OWNER, setUpOwner } from "../support/instance";
import { noteSecretsIn } from "../support/secrets";
import { startServer, type Instance } from "../support/server";
import { tokenClient } from "../support/users-api";

const METRICS_TOKEN = crypto.randomBytes(24).toString("base64url");


type Families = ReturnType<typeof parsePrometheusTextFormat>;

async function scrape(url: string, token?: string): Promise<Families> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parsePrometheusTextFormat(await res.text());
}

/** The value of one sample of a counter or gauge whose labels include `labels` (0 when absent). */
function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? sample?.count ?? 0);
}

let server: Instance;
let token: string;

test.beforeAll(async () => {
  server = await startServer({ METRICS_TOKEN });
  token = (await setUpOwner(server)).personal_access_token;
});

test.afterAll(async () => {
  await server?.stop();
});

test("/metrics is Prometheus text behind the metrics token, and its counters move with traffic", async () => {
  const url = server.url("/metrics");
  expect((await fetch(url)).status).toBe(401);
  expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

  const before = await scrape(url, METRICS_TOKEN);
  for (const name of [
    "latchkey_http_requests_total",
    "latchkey_http_request_duration_seconds",
    "latchkey_sign_ins_total",
    "latchkey_rate_limit_refusals_total",
    "latchkey_active_sessions",
    "latchkey_outbox_pending",
    "latchkey_database_pool_connections",
    "latchkey_process_resident_memory_bytes",
  ]) {
    expect(before.map((f) => f.name), name).toContain(name);
  }
  const users = { method: "GET", route: "/api/users", status: "200" };
  const groupRoute = { method: "GET", route: "/api/groups/:param", status: "404" };

  const owner = tokenClient(server, token);
  for (let i = 0; i < 3; i++) expect((await owner.get("/api/users")).status).toBe(200);
  expect((await owner.get(`/api/groups/${crypto.randomUUID()}`)).status).toBe(404);
  expect((await signIn(server, OWNER.email, OWNER.password)).signedIn).toBe(true);
  expect((await signIn(server, OWNER.email, "not the password at all")).signedIn).toBe(false);

  const after = await scrape(url, METRICS_TOKEN);
  expect(value(after, "latchkey_http_requests_total", users) - value(before, "latchkey_http_requests_total", users)).toBe(3);
  expect(value(after, "latchkey_http_requests_total", groupRoute) - value(before, "latchkey_http_requests_total", groupRoute)).toBe(1);
  const success = { outcome: "success", method: "password" };
  const failure = { outcome: "failure", method: "password" };
  expect(value(after, "latchkey_sign_ins_total", success) - value(before, "latchkey_sign_ins_total", success)).toBe(1);
  expect(value(after, "latchkey_sign_ins_total", failure) - value(before, "latchkey_sign_ins_total", failure)).toBe(1);
  expect(value(after, "latchkey_active_sessions")).toBeGreaterThanOrEqual(1);
  // Replicas on PostgreSQL compare their clock with the database server's (here the same machine's clock).
  const onPostgres = process.env.TEST_DATABASE === "postgres";
  expect(after.map((f) => f.name).includes("latchkey_database_clock_offset_seconds")).toBe(onPostgres);
  if (onPostgres) expect(Math.abs(value(after, "latchkey_database_clock_offset_seconds"))).toBeLessThan(1);
  expect(after.find((f) => f.name === "latchkey_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
  // The parser folds a histogram's labelled series into one; its _count series says how many were timed.
  const text = await (await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const count = /^latchkey_http_request_duration_seconds_count\{method="GET",route="\/api\/users"\} (\d+)$/m.exec(text);
  expect(Number(count?.[1])).toBeGreaterThanOrEqual(3);
});

test("/api/ready answers ready once started; every request is one JSON log line with its route pattern, never a secret", async () => {
  const ready = await call<{ status: string; checks: Record<string, unknown> }>(server, "/api/ready");
  expect(ready.status).toBe(200);
  // disk: DATA_DIR's free space, where SQLite keeps the database (lib/observability/disk-space.ts).
  const disk = server.databaseUrl ? {} : { disk: "ok" };
  expect(ready.body).toEqual({ status: "ready", checks: { database: "ok", migrations: "ok", writes: "ok", ...disk, encryption_key: "ok", shutting_down: false } });

  const requestId = `test-${crypto.randomUUID()}`;
  const invite = `lki_${"A".repeat(30)}abcdef`;
  const res = await fetch(server.url(`/api/invites/${invite}?email=someone%40example.com`), { headers: { "x-request-id": requestId } });
  expect(res.headers.get("x-request-id")).toBe(requestId);
  const owned = await fetch(server.url("/api/users/current"), { headers: { authorization: `Bearer ${token}` } });
  const me = (await owned.json()) as { id: string };
  const ownedId = owned.headers.get("x-request-id");

  await expect.poll(() => server.logs().includes(ownedId ?? "none")).toBe(true);
  const lines = server
    .logs()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const inviteLine = lines.find((l) => l.request_id === requestId);
  expect(inviteLine).toMatchObject({ msg: "request", method: "GET", route: "/api/invites/:param", actor_id: null });
  expect(typeof inviteLine?.duration_ms).toBe("number");
  expect(typeof inviteLine?.status).toBe("number");
  expect(lines.find((l) => l.request_id === ownedId)).toMatchObject({ route: "/api/users/current", status: 200, actor_id: me.id });
  expect(server.logs()).not.toContain(invite);
  expect(server.logs()).not.toContain("someone@example.com");
  expect(server.logs()).not.toContain(token);
});

test("METRICS_PORT serves /metrics on loopback without a token; without either, there is no /metrics", async () => {
  const metricsPort = await freePort();
  const other = await startServer({ METRICS_PORT: String(metricsPort) });
  try {
    const families = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(families.map((f) => f.name)).toContain("latchkey_http_requests_total");
    // Not on the main port: without METRICS_TOKEN it doesn't exist there.
    expect((await fetch(other.url("/metrics"))).status).toBe(404);
  } finally {
    await other.stop();
  }
});

test("SIGTERM: a request in flight finishes, new connections are refused, SQLite's WAL is checkpointed", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-stop-"));
  const other = await startServer({ DATABASE_URL: "" }, { dataDir });
  const setup = await setUpOwner(other);
  // A request whose body is still arriving when SIGTERM comes: it is in flight for sure.
  const body = JSON.stringify({ email: "late@example.com", name: "Late Arrival", role: "user", auto_groups: [] });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(other.url("/api/users"), {
      method: "POST",
      headers: { authorization: `Bearer ${setup.personal_access_token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.write(body.slice(0, 10));
    setTimeout(() => req.end(body.slice(10)), 2_500);
  });
  // Time for the server to read the headers: a connection whose request hasn't arrived yet is not in flight.
  await new Promise((r) => setTimeout(r, 1_500));
  const stopped = other.stop();
  await expect.poll(() => other.logs()).toMatch(/Shutting down: no new connections/);
  await expect(fetch(other.url("/api/health"))).rejects.toThrow();
  const res = await answer;
  expect(res.status, res.text).toBe(200);
  noteSecretsIn(JSON.parse(res.text));
  await stopped;
  expect(other.logs()).toMatch(/Database closed; stopped\./);
  const wal = path.join(dataDir, "latchkey.db-wal");
  try {
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("npm start stopped through npm: the server stops gracefully too, instead of keeping its port", async () => {
  test.setTimeout(90_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-npm-start-"));
  fs.chmodSync(dataDir, 0o700);
  const port = await freePort();
  // Its own process group, so that whatever is left can be cleaned up at once if this test fails.
  const npm = spawn("npm", ["start"], { cwd: path.resolve(__dirname, "..", ".."), env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: "" }, detached: true });
  let output = "";
  for (const stream of [npm.stdout, npm.stderr]) stream.on("data", (chunk) => (output += String(chunk)));
  try {
    expect(await untilListening(npm, port, 60_000), output).toBeNull();
    // What a service manager or a terminal's kill does: SIGTERM to npm itself. npm's `sh -c` doesn't pass it on, and
    // before, npm exited while the server went on listening (scripts/start.mjs stopWhenStarterIsGone).
    npm.kill("SIGTERM");
    await expect.poll(() => canConnect(port), { timeout: 20_000 }).toBe(false);
    await expect.poll(() => output, { timeout: 10_000 }).toMatch(/Database closed; stopped\./);
  } finally {
    killGroup(npm);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("started from another directory with a relative DATA_DIR: the app finds its own files, the data is where the starter said", async () => {
  test.setTimeout(90_000);
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-elsewhere-"));
  const port = await freePort();
  const start = path.resolve(__dirname, "..", "..", "scripts", "start.mjs");
  // Before, the start stopped at "Can't find meta/_journal.json": migrations were looked for under the starter's directory.
  const server = spawn(process.execPath, [start], { cwd: elsewhere, env: { ...process.env, DATA_DIR: "instance", PORT: String(port), DATABASE_URL: "" }, detached: true });
  let output = "";
  for (const stream of [server.stdout, server.stderr]) stream.on("data", (chunk) => (output += String(chunk)));
  try {
    expect(await untilListening(server, port, 60_000), output).toBeNull();
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status, output).toBe(200);
    expect(fs.existsSync(path.join(elsewhere, "instance", "latchkey.db")), output).toBe(true);
    server.kill("SIGTERM");
    await expect.poll(() => output, { timeout: 20_000 }).toMatch(/Database closed; stopped\./);
  } finally {
    killGroup(server);
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});
