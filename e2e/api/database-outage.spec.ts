/**
 * The operator's bad day on PostgreSQL (review 18, docs/operations.md): the spec's own PostgreSQL server
 * (whatever TEST_DATABASE says) stopped and started again, then restarted, under a running Latchkey. During
 * the outage the API, the sign-in form's POST and the OpenID provider answer 503 with Retry-After and no stack, /api/health stays a liveness answer,
 * /api/ready says the database failed, the process stays up and its log says what to check; once the
 * database is back everything answers without restarting Latchkey, and the activity chain verifies.
 * (The pools' own cases, backends ended mid-transaction, an unreachable host: lib/db/postgres-outage.test.ts.)
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import type { PostgresServer } from "../../scripts/test-support/postgres.mjs";
import { call, expectNoLeak, SESSION_COOKIE, signInOrFail } from "../support/api";
import { signIn } from "../support/browser";
import { OWNER, setUpOwner } from "../support/instance";
import { startOwnPostgres } from "../support/replicas";
import { startServer, type Instance } from "../support/server";
import { tokenClient, uniqueEmail } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";

test.describe.configure({ mode: "serial", timeout: 120_000 });

const ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
let postgres: PostgresServer;
let databaseUrl: string;
let server: Instance;
let token: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  postgres = await startOwnPostgres();
  databaseUrl = await postgres.createDatabase("outage");
  server = await startServer({ DATABASE_URL: databaseUrl, ENCRYPTION_KEY });
  token = (await setUpOwner(server)).personal_access_token;
});

test.afterAll(async () => {
  await server?.stop();
  await postgres?.stop();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** /api/ready's status and checks (its 503 carries the checks beside the error's fields). */
async function readiness(): Promise<Record<string, unknown>> {
  const res = await fetch(server.url("/api/ready"));
  return { status: res.status, ...((await res.json()) as { checks: Record<string, unknown> }).checks };
}

async function readyWithin(ms: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await readiness();
    if (found.status === 200 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function verifyEvents(): Promise<ScriptRun> {
  return runNpmScript("verify-events", [], { DATA_DIR: server.dataDir, DATABASE_URL: databaseUrl, ENCRYPTION_KEY });
}

test("PostgreSQL stopped: 503s with Retry-After, health answers, not ready, the process stays; started again: it serves without a restart", async () => {
  const client = tokenClient(server, token);
  const { total } = await client.list();
  await client.createUser({ email: uniqueEmail("before"), name: "Before Outage", role: "user", auto_groups: [] });

  await postgres.halt();
  try {
    const list = await call(server, "/api/users", { headers: { authorization: `Bearer ${token}` } });
    const create = await call(server, "/api/users", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      json: { email: uniqueEmail("during"), name: "During Outage", role: "user", auto_groups: [] },
    });
    for (const res of [list, create]) {
      expect(res.status, res.text).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.body).toEqual({ message: "The service is briefly unavailable; try again in a moment", code: 503 });
      expectNoLeak(res.text);
    }
    // Answered before Next.js (lib/startup.ts): the sign-in form's POST and the OpenID provider's paths.
    const signIn = await fetch(server.url("/api/auth/callback/credentials"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "owner@example.com", password: "not the password", csrfToken: "x" }),
    });
    const discovery = await fetch(server.url("/.well-known/openid-configuration"));
    for (const res of [signIn, discovery]) {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toEqual({ message: "The service is briefly unavailable; try again in a moment", code: 503 });
    }
    expect((await call(server, "/api/health")).status).toBe(200);
    expect(await readiness()).toMatchObject({ status: 503, database: "failed" });
    expect(alive(server.pid)).toBe(true);
    expect(server.logs()).toMatch(/A request was answered 503: the database could not serve: .*check that PostgreSQL runs and is reachable/);
  } finally {
    await postgres.resume();
  }

  expect(await readyWithin(10_000)).toMatchObject({ status: 200, database: "ok", writes: "ok" });
  await client.createUser({ email: uniqueEmail("after"), name: "After Outage", role: "user", auto_groups: [] });
  expect((await client.list()).total).toBe(total + 2);
  expect(alive(server.pid)).toBe(true);
});

/** A page as a browser loads it, with the person's cookie and language. */
function loadPage(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url(path), { redirect: "manual", headers: { accept: "text/html,application/xhtml+xml", ...headers } });
}

test("PostgreSQL stopped: a page answers 503 with Retry-After, in the person's language with a way to try again; Auth.js's routes answer 503 and keep the session", async () => {
  const cookie = await signInOrFail(server, OWNER.email, OWNER.password);
  expect((await loadPage("/profile", { cookie })).status).toBe(200);

  await postgres.halt();
  try {
    // Signed in, in German: the dashboard's page (its layout reads the session, the page the profile).
    const page = await loadPage("/profile?from=outage", { cookie, "accept-language": "de-DE,de;q=0.9" });
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain("Der Dienst ist kurz nicht verfügbar; versuchen Sie es gleich noch einmal");
    expect(html).toContain('<a class="button" href="/profile?from=outage">Erneut versuchen</a>');
    expectNoLeak(html);
    expect(html).not.toMatch(/ECONNREFUSED|Failed query|connect|digest/i);

    // Without a session, in English: the sign-in page.
    const login = await loadPage("/login");
    expect(login.status).toBe(503);
    expect(login.headers.get("retry-after")).toBe("5");
    expect(await login.text()).toContain("The service is briefly unavailable; try again in a moment");

    // Auth.js's own route (a bare 500 before): 503, and the session cookie is neither cleared nor replaced.
    const session = await fetch(server.url("/api/auth/session"), { headers: { cookie } });
    expect(session.status).toBe(503);
    expect(session.headers.get("retry-after")).toBe("5");
    expect(session.headers.get("set-cookie") ?? "").not.toContain(SESSION_COOKIE);
    expect(await session.json()).toEqual({ message: "The service is briefly unavailable; try again in a moment", code: 503 });

    expect(server.logs()).toMatch(/A page could not be served: the database could not serve: .*check that PostgreSQL runs/);
    expect(server.logs()).toMatch(/A request was answered 503: the database could not serve: .*check that PostgreSQL runs/);
  } finally {
    await postgres.resume();
  }
  expect(await readyWithin(10_000)).toMatchObject({ status: 200 });
  // The same session serves again: nothing was signed out by the outage.
  expect((await loadPage("/profile", { cookie })).status).toBe(200);
  expect(await (await fetch(server.url("/api/auth/session"), { headers: { cookie } })).json()).toHaveProperty("expires");
});

test("PostgreSQL stopped under a loaded dashboard: a click shows the section's box, which says the service may be briefly unavailable, and its Try again loads the address afresh", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.baseURL, OWNER.email, OWNER.password);
  await page.goto(server.url("/profile"));
  await expect(page.getByRole("heading", { name: "Profile", level: 1 })).toBeVisible();

  await postgres.halt();
  try {
    // A click inside the loaded page: its layout stays, the section's part fails.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" }).click();
    await expect(page.getByRole("heading", { name: "Something went wrong" })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText("the service may be briefly unavailable")).toBeVisible();
    expect(await page.locator("main").innerText()).not.toMatch(/ECONNREFUSED|Failed query|connect|postgres/i);
    // Try again is a fresh load of the address: meanwhile the 503 page, in the person's language.
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("heading", { name: "Briefly unavailable" })).toBeVisible({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe("/team/groups");
  } finally {
    await postgres.resume();
  }
  expect(await readyWithin(10_000)).toMatchObject({ status: 200 });
  // Its own Try again, once the database is back: the page, still signed in.
  await page.getByRole("link", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();

  // The box's way back to its list is a fresh load as well (a client navigation showed the box again): the 503 page.
  await postgres.halt();
  try {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity" }).click();
    await expect(page.getByRole("heading", { name: "Something went wrong" })).toBeVisible({ timeout: 20_000 });
    await page.getByRole("link", { name: "Back to Activity" }).click();
    await expect(page.getByRole("heading", { name: "Briefly unavailable" })).toBeVisible({ timeout: 20_000 });
  } finally {
    await postgres.resume();
  }
  expect(await readyWithin(10_000)).toMatchObject({ status: 200 });
  await context.close();
});

test("PostgreSQL restarted (pg_ctl restart -m fast): the next requests succeed, no restart of Latchkey; the activity chain verifies", async () => {
  const client = tokenClient(server, token);
  const { total } = await client.list();
  await postgres.restart();
  // Idle connections the restart ended are replaced; a write whose connection's end had not been read yet goes again.
  await client.createUser({ email: uniqueEmail("restart"), name: "After Restart", role: "user", auto_groups: [] });
  expect((await client.list()).total).toBe(total + 1);
  expect(await readyWithin(5_000)).toMatchObject({ status: 200 });
  expect(alive(server.pid)).toBe(true);
  const verified = await verifyEvents();
  expect(verified.code, verified.output).toBe(0);
});

/**
 * A rolling upgrade: a newer version's start migrated the database under this (older) process, played by the
 * migration row that start leaves. Found by hand with stop 45's build (2012b5d0) beside this one: the older
 * replica stayed ready and kept writing client addresses in the clear next to review 17's sealed columns.
 */
test("a newer version migrated the database: this process reports not ready with the reason, refuses writes with a 503 and serves again when the schema is its own", async () => {
  const client = tokenClient(server, token);
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('newer-version', 4102444800000)");
    expect(await readiness()).toMatchObject({ status: 503, database: "ok", migrations: "newer" });
    const refused = await call(server, "/api/users", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      json: { email: uniqueEmail("old-code"), name: "Old Code", role: "user", auto_groups: [] },
    });
    expect(refused.status, refused.text).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(server.logs()).toContain("This process stops serving: the database's schema is newer than this Latchkey's");
    expect(server.logs()).not.toContain("Unhandled error in API route");
  } finally {
    await admin.query("DELETE FROM drizzle.__drizzle_migrations WHERE hash = 'newer-version'");
    await admin.end();
  }
  expect(await readyWithin(5_000)).toMatchObject({ status: 200, migrations: "ok", writes: "ok" });
  await client.createUser({ email: uniqueEmail("current"), name: "Current Again", role: "user", auto_groups: [] });
});
