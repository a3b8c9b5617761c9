/**
 * Prometheus metrics (prom-client), served at /metrics by scripts/server.mjs
 * when METRICS_TOKEN or METRICS_PORT is set (see lib/startup.ts). Counters
 * move where the thing happens (requests in the server, sign-ins when their
 * activity event commits, rate-limit refusals where the limit refuses);
 * gauges that describe the database (active sessions, outbox depth, pool use)
 * are read at scrape time. The registry lives on globalThis: Next.js loads
 * lib/ in several bundles, and every one of them must count into the same one.
 */
import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import client from "prom-client";
import { db, dialect, engine } from "@/lib/db/database";
import { clockOffsetMs } from "@/lib/data/clock-offset";
import { dataDirFreeBytes } from "@/lib/observability/disk-space";
import { outbox, sessions } from "@/lib/db/schema";

type Metrics = {
  registry: client.Registry;
  requests: client.Counter<"method" | "route" | "status">;
  duration: client.Histogram<"method" | "route">;
  signIns: client.Counter<"outcome" | "method">;
  rateLimited: client.Counter<"limit">;
};

const KEY = Symbol.for("latchkey.metrics");

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "latchkey_" });
  const requests = new client.Counter({
    name: "latchkey_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: "latchkey_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route pattern",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signIns = new client.Counter({
    name: "latchkey_sign_ins_total",
    help: "Sign-ins by outcome (success, failure) and method (password, oidc, ldap, header)",
    labelNames: ["outcome", "method"] as const,
    registers: [registry],
  });
  const rateLimited = new client.Counter({
    name: "latchkey_rate_limit_refusals_total",
    help: "Requests refused by a rate limit, by limit name",
    labelNames: ["limit"] as const,
    registers: [registry],
  });
  new client.Gauge({
    name: "latchkey_active_sessions",
    help: "Sessions that have not expired",
    registers: [registry],
    async collect() {
      const [row] = await db().select({ n: sql<number>`CAST(count(*) AS INTEGER)` }).from(sessions).where(gt(sessions.expiresAt, new Date()));
      this.set(Number(row?.n ?? 0));
    },
  });
  new client.Gauge({
    name: "latchkey_outbox_pending",
    help: "Outbox messages waiting for delivery",
    registers: [registry],
    async collect() {
      const [row] = await db().select({ n: sql<number>`CAST(count(*) AS INTEGER)` }).from(outbox).where(and(eq(outbox.status, "pending")));
      this.set(Number(row?.n ?? 0));
    },
  });
  new client.Gauge({
    name: "latchkey_database_pool_connections",
    help: "Database connections of the writers' pool by state (PostgreSQL; SQLite has one writer and one reader connection)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const native = engine().native;
      if (native.kind === "postgres") {
        const pool = native.pool as { totalCount: number; idleCount: number; waitingCount: number };
        this.set({ state: "total" }, pool.totalCount);
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "waiting" }, pool.waitingCount);
      } else {
        this.set({ state: "total" }, 2);
      }
    },
  });
  new client.Gauge({
    name: "latchkey_data_dir_free_bytes",
    help: "Bytes free to Latchkey on DATA_DIR's filesystem (SQLite's database; readiness reports \"disk\": \"low\" below 64 MiB)",
    registers: [registry],
    async collect() {
      this.set(await dataDirFreeBytes());
    },
  });
  if (dialect() === "postgres") {
    new client.Gauge({
      name: "latchkey_database_clock_offset_seconds",
      help: "How far this server's clock is ahead of the database server's (negative: behind); replicas decide expiries and leases by their own clocks",
      registers: [registry],
      async collect() {
        this.set(((await clockOffsetMs()) ?? 0) / 1000);
      },
    });
  }
  return { registry, requests, duration, signIns, rateLimited };
}

export function metrics(): Metrics {
  const holder = globalThis as unknown as Record<symbol, Metrics | undefined>;
  holder[KEY] ??= create();
  return holder[KEY];
}

/** One answered request (scripts/server.mjs calls this through lib/startup.ts's hooks). */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const m = metrics();
  m.requests.inc({ method, route, status: String(status) });
  m.duration.observe({ method, route }, seconds);
}

export function countSignIn(outcome: "success" | "failure", method: string): void {
  metrics().signIns.inc({ outcome, method });
}

export function countRateLimitRefusal(limit: string): void {
  metrics().rateLimited.inc({ limit });
}

/** The Prometheus text exposition of everything above. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
