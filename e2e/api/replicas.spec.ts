/**
 * Two replicas on one PostgreSQL database behind a round-robin proxy (issue 11):
 * any replica serves any request. Always on PostgreSQL, whatever TEST_DATABASE
 * says (the spec starts its own server). What one replica changes, the other
 * sees on its next request: users, blocks, rate limits; races spread over both
 * still end with one owner and one user per invite; the activity chain stays
 * one chain (`npm run verify-events`). A replica without the shared secrets in
 * its environment refuses to start.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import type { PostgresServer } from "../../scripts/test-support/postgres.mjs";
import { ACCESS_TOKEN_PATTERN, call, expectApiError, expectNoLeak, signInOrFail } from "../support/api";
import { acceptInvite, createInvite, invitee } from "../support/invites-api";
import { roundRobinProxy, startOwnPostgres, type RoundRobin } from "../support/replicas";
import { startExpectingExit, startServer, type Instance } from "../support/server";
import { choosePassword, cookieClient, tokenClient, uniqueEmail, type Client } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";

// Fifty password hashes per race on a shared machine take longer than the default minute.
test.describe.configure({ mode: "serial", timeout: 240_000 });

const TOKEN_LIMIT = 12;
const SHARED = {
  ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
  AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
  TRUST_PROXY: "true",
  TOKEN_RATE_LIMIT_PER_MINUTE: String(TOKEN_LIMIT),
};

let postgres: PostgresServer;
let databaseUrl: string;
let a: Instance;
let b: Instance;
let proxy: RoundRobin;
let owner: { user_id: string; personal_access_token: string };
let ownerCookie: string;
let ownerPassword: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  postgres = await startOwnPostgres();
  databaseUrl = await postgres.createDatabase("replicas");
  // Started together: both migrate the fresh database under the advisory lock, once.
  [a, b] = await Promise.all([startServer({ ...SHARED, DATABASE_URL: databaseUrl }), startServer({ ...SHARED, DATABASE_URL: databaseUrl })]);
  proxy = await roundRobinProxy([a, b]);
});

test.afterAll(async () => {
  await proxy?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await postgres?.stop();
});

/** A new access token of the owner's, minted with the owner's session and password (not counted against another token's limit). */
async function ownerToken(name: string): Promise<string> {
  const res = await cookieClient(proxy, ownerCookie).post<{ plain_token: string }>(`/api/users/${owner.user_id}/tokens`, { name, expires_in: 1, password: ownerPassword });
  expect(res.status, res.text).toBe(200);
  expect(res.body.plain_token).toMatch(ACCESS_TOKEN_PATTERN);
  return res.body.plain_token;
}

test("50 concurrent setups spread over both replicas: one owner", async () => {
  const attempts = Array.from({ length: 50 }, (_, i) => ({
    email: `racer-${i}@example.com`,
    password: `racer ${i} has a long passphrase`,
    name: `Racer ${i}`,
    create_pat: true,
    pat_expire_in: 7,
  }));
  const responses = await Promise.all(attempts.map((json) => call(proxy, "/api/instance/setup", { method: "POST", json })));
  expect(proxy.served[0]).toBeGreaterThanOrEqual(25);
  expect(proxy.served[1]).toBeGreaterThanOrEqual(25);
  const winners = responses.flatMap((r, i) => (r.status === 200 ? [i] : []));
  expect(winners, `statuses: ${responses.map((r) => r.status).join(",")}`).toHaveLength(1);
  for (const res of responses) if (res.status !== 200) expect(expectApiError(res, 412).message).toMatch(/already/i);

  owner = responses[winners[0]].body as typeof owner;
  ownerPassword = attempts[winners[0]].password;
  ownerCookie = await signInOrFail(proxy, attempts[winners[0]].email, ownerPassword);
  for (const replica of [a, b]) {
    const { users, total } = await tokenClient(replica, owner.personal_access_token).list();
    expect(total).toBe(1);
    expect(users[0]).toMatchObject({ id: owner.user_id, role: "owner", email: attempts[winners[0]].email });
    expect(await (await fetch(replica.url("/api/instance"))).json()).toEqual({ setup_required: false });
  }
});

test("a user created on A is found by search on B", async () => {
  const token = await ownerToken("search");
  const onA = tokenClient(a, token);
  const onB = tokenClient(b, token);
  // B has listed and searched before, so anything it keeps from then would be stale.
  expect((await onB.list({ search: "zephyrine" })).total).toBe(0);
  const email = uniqueEmail("zephyrine");
  const created = await onA.createUser({ email, name: "Zephyrine Quill", role: "user", auto_groups: [] });
  const found = await onB.list({ search: "zephyr" });
  expect(found.total).toBe(1);
  expect(found.users[0]).toMatchObject({ id: created.id, email, name: "Zephyrine Quill" });
  expect((await onB.list({ search: "quill" })).ids).toEqual([created.id]);
});

test("blocked on A: B refuses that user's token and cookie on the next request", async () => {
  const admin = tokenClient(a, await ownerToken("block"));
  const email = uniqueEmail("blocked");
  const user = await admin.createUser({ email, name: "Bea Blocked", role: "user", auto_groups: [] });
  // First sign-in (on B) and the forced password change.
  const first = await signInOrFail(b, email, user.password!);
  const password = choosePassword("bea");
  const changed = await cookieClient(b, first).put(`/api/users/${user.id}/password`, { old_password: user.password, new_password: password });
  expect(changed.status, changed.text).toBe(200);
  const cookie = await signInOrFail(b, email, password);
  const minted = await cookieClient(b, cookie).post<{ plain_token: string }>(`/api/users/${user.id}/tokens`, { name: "bea-cli", expires_in: 1, password });
  expect(minted.status, minted.text).toBe(200);
  const token = minted.body.plain_token;
  // Both work on B (and B has now seen this session and token).
  expect((await tokenClient(b, token).get("/api/users/current")).status).toBe(200);
  expect((await cookieClient(b, cookie).get("/api/users/current")).status).toBe(200);

  const blocked = await admin.updateUser(user.id, { is_blocked: true });
  expect(blocked.status, blocked.text).toBe(200);

  expectApiError(await tokenClient(b, token).get("/api/users/current"), 401);
  expectApiError(await cookieClient(b, cookie).get("/api/users/current"), 401);
});

test("a token's rate limit is counted across both replicas", async () => {
  const client = tokenClient(proxy, await ownerToken("rate"));
  const before = [...proxy.served];
  for (let i = 0; i < TOKEN_LIMIT; i++) {
    const res = await client.get("/api/users/current");
    expect(res.status, `request ${i + 1} of ${TOKEN_LIMIT}: ${res.text}`).toBe(200);
  }
  // Each replica saw about half: a limit kept per process would let both go on.
  expect(proxy.served[0] - before[0]).toBe(TOKEN_LIMIT / 2);
  expect(proxy.served[1] - before[1]).toBe(TOKEN_LIMIT / 2);
  for (let i = 0; i < 2; i++) {
    const limited = await client.get("/api/users/current");
    expectApiError(limited, 429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  }
});

test("50 concurrent accepts of one invite spread over both replicas: one user", async () => {
  const admin = tokenClient(a, await ownerToken("invite"));
  const invite = await createInvite(admin, invitee("racer"));
  const passwords = Array.from({ length: 50 }, (_, i) => choosePassword(`racer ${i}`));
  // Fifty different client addresses (forwarded by the proxy), so the per-address accept limit doesn't decide the race.
  const results = await Promise.all(
    passwords.map((p, i) => acceptInvite(proxy, invite.invite_link, p, { "x-forwarded-for": `198.51.100.${i + 1}` })),
  );
  for (const r of results) {
    expect([200, 404, 410, 429], `unexpected answer ${r.status}: ${r.text}`).toContain(r.status);
    expectNoLeak(r.text);
  }
  const winners = results.filter((r) => r.status === 200);
  expect(winners.length, `statuses: ${results.map((r) => r.status).join(",")}`).toBe(1);
  const { users, total } = await tokenClient(b, await ownerToken("invite-check")).list({ search: invite.email });
  expect(total).toBe(1);
  expect(users[0].id).toBe(winners[0].body.user_id);
});

/** `npm run verify-events` against the shared database. */
function verifyEvents(): Promise<ScriptRun> {
  return runNpmScript("verify-events", [], { DATA_DIR: a.dataDir, DATABASE_URL: databaseUrl, ENCRYPTION_KEY: SHARED.ENCRYPTION_KEY });
}

test("concurrent writes on both replicas keep one activity chain: verify-events OK", async () => {
  const clients: Client[] = [cookieClient(a, ownerCookie), cookieClient(b, ownerCookie)];
  const writes = Array.from({ length: 40 }, (_, i) =>
    i % 4 === 3
      ? clients[i % 2].post("/api/groups", { name: `Replica group ${i}` })
      : clients[i % 2].post("/api/users", { is_service_user: true, name: `Replica bot ${i}`, role: "user" }),
  );
  const answers = await Promise.all(writes);
  for (const res of answers) expect(res.status, res.text).toBe(200);

  const integrity = await call(proxy, "/api/events/integrity", { headers: { cookie: ownerCookie } });
  expect(integrity.status, integrity.text).toBe(200);
  expect(integrity.body).toMatchObject({ ok: true, broken: null });
  const checked = (integrity.body as { checked: number }).checked;
  const events = await call(proxy, "/api/events?limit=1", { headers: { cookie: ownerCookie } });
  expect(Number(events.headers.get("x-total-count"))).toBe(checked);

  const cli = await verifyEvents();
  expect(cli.code, cli.output).toBe(0);
  expect(cli.output).toMatch(new RegExp(`OK, ${checked} events verified \\(#1–#${checked}\\)`));
});

test("a replica without ENCRYPTION_KEY and AUTH_SECRET in its environment refuses to start, generating nothing", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-replica-"));
  try {
    const run = await startExpectingExit({ DATABASE_URL: databaseUrl, ENCRYPTION_KEY: "", AUTH_SECRET: "" }, dataDir);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.answered).toBe(false);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^Latchkey cannot start: ENCRYPTION_KEY must be set \(with DATABASE_URL every replica uses the same database/),
      expect.stringMatching(/^Latchkey cannot start: AUTH_SECRET must be set \(with DATABASE_URL every replica/),
    ]);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
