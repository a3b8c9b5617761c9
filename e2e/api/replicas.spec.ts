/**
 * Two replicas on one PostgreSQL database behind a round-robin proxy (issue 11):
 * any replica serves any request. Always on PostgreSQL, whatever TEST_DATABASE
 * says (the spec starts its own server). What one replica changes, the other
 * sees on its next request: users, blocks, rate limits; races spread over both
 * still end with one owner and one user per invite; the activity chain stays
 * one chain (`npm run verify-events`). A replica without the shared secrets in
 * its environment refuses to start. Review 35 (docs/security.md): what each
 * process keeps — applications, roles, appearance, sessions and tokens, names,
 * held-back usernames, the two-factor policy, header sign-in, invites — changed
 * on A and used on B at once.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import type { PostgresServer } from "../../scripts/test-support/postgres.mjs";
import { ACCESS_TOKEN_PATTERN, call, CookieJar, expectApiError, expectNoLeak, SESSION_COOKIE, signIn, signInOrFail } from "../support/api";
import { acceptInvite, createInvite, invitee, lookupInvite } from "../support/invites-api";
import { roundRobinProxy, startOwnPostgres, type RoundRobin } from "../support/replicas";
import { startExpectingExit, startServer, type Instance } from "../support/server";
import { choosePassword, cookieClient, signInAndChangePassword, tokenClient, uniqueEmail, type Client } from "../support/users-api";
import { runNpmScript, type ScriptRun } from "../support/npm-script";
import { basicAuth, postForm, registerApp } from "../support/provider-client";

// Fifty password hashes per race on a shared machine take longer than the default minute.
test.describe.configure({ mode: "serial", timeout: 240_000 });

const TOKEN_LIMIT = 12;
const SHARED = {
  ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
  AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
  TRUST_PROXY: "true",
  TOKEN_RATE_LIMIT_PER_MINUTE: String(TOKEN_LIMIT),
  // An issuer for the OpenID provider on both (a name only: B's token endpoint is called at its own address).
  PUBLIC_URL: "http://replicas.latchkey.test",
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

/**
 * Review 35: what each process keeps. Every probe changes a thing on A and acts on B at once, after B
 * has used (and could have kept) the old state.
 */
// The owner's session on either replica: minting a token per probe would meet the password and token rate limits.

test("an application's rotated secret and its deletion on A: B's OpenID provider refuses the old secret, then the app", async () => {
  const admin = { cookie: ownerCookie, origin: a.baseURL };
  const app = await registerApp(a, admin, { name: "Replica app", type: "web", redirect_uris: ["http://127.0.0.1:9/callback"] });
  // A made-up code with the right secret: the client is authenticated (invalid_grant), so B has read the app.
  const token = (secret: string) => postForm(b, "/oidc/token", "198.51.100.201", { grant_type: "authorization_code", code: "made-up", redirect_uri: "http://127.0.0.1:9/callback", code_verifier: "v".repeat(43) }, basicAuth(app.client_id, secret));
  const before = await token(app.client_secret!);
  expect(before.status, before.text).toBe(400);
  expect(before.body.error).toBe("invalid_grant");

  const rotated = await call<{ client_secret: string }>(a, `/api/applications/${app.id}/rotate-secret`, { method: "POST", headers: admin });
  expect(rotated.status, rotated.text).toBe(200);
  const old = await token(app.client_secret!);
  expect(old.status, old.text).toBe(401);
  expect(old.body.error).toBe("invalid_client");
  expect((await token(rotated.body.client_secret)).body.error).toBe("invalid_grant");

  const deleted = await call(a, `/api/applications/${app.id}`, { method: "DELETE", headers: admin });
  expect([200, 204], deleted.text).toContain(deleted.status);
  const gone = await token(rotated.body.client_secret);
  expect(gone.status, gone.text).toBe(401);
  expect(gone.body.error).toBe("invalid_client");
});

test("a custom role's permission taken away on A: B refuses its holder's token on the next request", async () => {
  const admin = cookieClient(a, ownerCookie);
  const role = await admin.post<{ id: string }>("/api/roles", { name: "Replica readers", permissions: ["events:read"] });
  expect([200, 201], role.text).toContain(role.status);
  const bot = await admin.post<{ id: string }>("/api/users", { is_service_user: true, name: "Replica reader", role: "user" });
  expect(bot.status, bot.text).toBe(200);
  const given = await admin.put(`/api/users/${bot.body.id}/roles`, { role_ids: [role.body.id] });
  expect(given.status, given.text).toBe(200);
  const minted = await admin.post<{ plain_token: string }>(`/api/users/${bot.body.id}/tokens`, { name: "reader" });
  expect(minted.status, minted.text).toBe(200);
  const onB = tokenClient(b, minted.body.plain_token);
  // Before: B answers (and has now seen this token and its permissions).
  expect((await onB.get("/api/events?limit=1")).status).toBe(200);

  const narrowed = await admin.put(`/api/roles/${role.body.id}`, { name: "Replica readers", permissions: [] });
  expect(narrowed.status, narrowed.text).toBe(200);
  expectApiError(await onB.get("/api/events?limit=1"), 403);
});

test("the instance renamed on A: B's appearance and its sign-in page show the new name", async () => {
  const admin = cookieClient(a, ownerCookie);
  const onB = cookieClient(b, ownerCookie);
  const login = async () => (await fetch(b.url("/login"))).text();
  expect(await login()).not.toContain("Replica Harbour");
  expect((await onB.get<{ name: string }>("/api/settings/appearance")).status).toBe(200);
  const renamed = await admin.put("/api/settings/appearance", { name: "Replica Harbour" });
  expect(renamed.status, renamed.text).toBe(200);
  expect((await onB.get<{ name: string }>("/api/settings/appearance")).body.name).toBe("Replica Harbour");
  expect(await login()).toContain("Replica Harbour");
});

test("a session revoked and a token deleted on A: B refuses them on the next request", async () => {
  const admin = cookieClient(a, ownerCookie);
  const email = uniqueEmail("revoked");
  const user = await admin.createUser({ email, name: "Rhea Revoked", role: "user", auto_groups: [] });
  // First sign-in (on B) and the forced password change, as the person.
  const { cookie, password } = await signInAndChangePassword(b, { id: user.id, email }, user.password!);
  const minted = await cookieClient(b, cookie).post<{ plain_token: string; id: string }>(`/api/users/${user.id}/tokens`, { name: "rhea-cli", expires_in: 1, password });
  expect(minted.status, minted.text).toBe(200);
  expect((await tokenClient(b, minted.body.plain_token).get("/api/users/current")).status).toBe(200);
  expect((await cookieClient(b, cookie).get("/api/users/current")).status).toBe(200);

  // The person deletes their own token on A (their session there).
  const onA = cookieClient(a, cookie);
  const tokens = await onA.get<Array<{ id: string; name: string }>>(`/api/users/${user.id}/tokens`);
  expect(tokens.status, tokens.text).toBe(200);
  const tokenId = tokens.body.find((t) => t.name === "rhea-cli")!.id;
  const revokedToken = await onA.delete(`/api/users/${user.id}/tokens/${tokenId}`);
  expect([200, 204], revokedToken.text).toContain(revokedToken.status);
  expectApiError(await tokenClient(b, minted.body.plain_token).get("/api/users/current"), 401);

  const sessions = await admin.get<Array<{ id: string }>>(`/api/users/${user.id}/sessions`);
  expect(sessions.status, sessions.text).toBe(200);
  for (const s of sessions.body) {
    const ended = await admin.delete(`/api/users/${user.id}/sessions/${s.id}`);
    expect([200, 204], ended.text).toContain(ended.status);
  }
  expectApiError(await cookieClient(b, cookie).get("/api/users/current"), 401);
});

test("a person renamed on A: B's list and search show the new name at once", async () => {
  const admin = cookieClient(a, ownerCookie);
  const onB = cookieClient(b, ownerCookie);
  const email = uniqueEmail("renamed");
  const user = await admin.createUser({ email, name: "Orla Oldname", role: "user", auto_groups: [] });
  expect((await onB.list({ search: "oldname" })).ids).toEqual([user.id]);
  expect((await onB.user(user.id)).name).toBe("Orla Oldname");
  const renamed = await admin.updateUser(user.id, { name: "Orla Newname" });
  expect(renamed.status, renamed.text).toBe(200);
  expect((await onB.list({ search: "oldname" })).total).toBe(0);
  expect((await onB.list({ search: "newname" })).ids).toEqual([user.id]);
  expect((await onB.user(user.id)).name).toBe("Orla Newname");
});

test("a held-back username released on A: B lets it be taken on the next request", async () => {
  const onA = cookieClient(a, ownerCookie);
  const onB = cookieClient(b, ownerCookie);
  const leaver = await onA.post<{ id: string }>("/api/users", { username: "Replica.Leaver", name: "Lee Leaver", role: "user" });
  expect(leaver.status, leaver.text).toBe(200);
  expect((await onA.delete(`/api/users/${leaver.body.id}`)).status).toBe(200);
  // B refuses it while it is held back (and has now read that).
  expect((await onB.post("/api/users", { username: "replica.leaver", name: "New Lee", role: "user" })).status).toBe(409);
  const held = await onA.get<Array<{ id: string }>>("/api/settings/retired-usernames?search=replica.leaver");
  expect(held.body).toHaveLength(1);
  expect((await onA.delete(`/api/settings/retired-usernames/${held.body[0].id}`)).status).toBe(200);
  const taken = await onB.post("/api/users", { username: "replica.leaver", name: "New Lee", role: "user" });
  expect(taken.status, taken.text).toBe(200);
});

test("two-factor required for everyone on A: B's next password sign-in asks for it, and stops asking when it is lifted", async () => {
  const onA = cookieClient(a, ownerCookie);
  const email = uniqueEmail("policy");
  const user = await onA.createUser({ email, name: "Pia Policy", role: "user", auto_groups: [] });
  const first = await signInOrFail(b, email, user.password!);
  const password = choosePassword("pia");
  expect((await cookieClient(b, first).put(`/api/users/${user.id}/password`, { old_password: user.password, new_password: password })).status).toBe(200);
  await signInOrFail(b, email, password);
  try {
    expect((await onA.put("/api/settings/security", { require_for: "everyone", grace_days: 0 })).status).toBe(200);
    const asked = await signIn(b, email, password);
    expect(asked.signedIn, `signed in on B without the required second factor (location ${asked.location})`).toBe(false);
  } finally {
    expect((await onA.put("/api/settings/security", { require_for: "nobody" })).status).toBe(200);
  }
  await signInOrFail(b, email, password);
});

/** Follows B's redirects for an app's authorization request (the issuer's address is B's own here) until they leave it; the last location. */
async function authorizeOnB(query: Record<string, string>, cookie: string): Promise<{ status: number; location: string; body: string }> {
  const jar = new CookieJar();
  for (const part of cookie.split("; ")) jar.update(new Headers([["set-cookie", part]]));
  let next = b.url(`/oidc/auth?${new URLSearchParams(query)}`);
  let last = { status: 0, location: next, body: "" };
  for (let hop = 0; hop < 10; hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.header } });
    jar.update(res.headers);
    last = { status: res.status, location: next, body: await res.text() };
    const to = res.headers.get("location");
    if (!to) break;
    const target = new URL(to, next);
    next = target.href.startsWith(SHARED.PUBLIC_URL) ? b.url(target.pathname + target.search) : target.href;
    last.location = next;
    if (!next.startsWith(b.baseURL)) break;
  }
  return last;
}

test("an app's redirect URIs and allowed groups changed on A: B's OpenID provider follows on the next request", async () => {
  const admin = cookieClient(a, ownerCookie);
  const group = await admin.post<{ id: string }>("/api/groups", { name: "Replica app users" });
  expect(group.status, group.text).toBe(200);
  const email = uniqueEmail("appuser");
  const user = await admin.createUser({ email, name: "Ada Appuser", role: "user", auto_groups: [group.body.id] });
  const first = await signInOrFail(b, email, user.password!);
  const password = choosePassword("ada");
  expect((await cookieClient(b, first).put(`/api/users/${user.id}/password`, { old_password: user.password, new_password: password })).status).toBe(200);
  const cookie = await signInOrFail(b, email, password);
  const REDIRECT = "http://127.0.0.1:9/callback";
  const app = await registerApp(a, { cookie: ownerCookie, origin: a.baseURL }, { name: "Replica group app", type: "web", redirect_uris: [REDIRECT], allowed_groups: [group.body.id] });

  const verifier = crypto.randomBytes(32).toString("base64url");
  const query = {
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid offline_access",
    prompt: "consent",
    code_challenge: crypto.createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: "s",
  };
  const signedIn = await authorizeOnB(query, cookie);
  const code = new URL(signedIn.location).searchParams.get("code");
  expect(code, `${signedIn.status} ${signedIn.location} ${signedIn.body.slice(0, 300)}`).toBeTruthy();
  const form = (f: Record<string, string>) => postForm(b, "/oidc/token", "198.51.100.202", f, basicAuth(app.client_id, app.client_secret!));
  const tokens = await form({ grant_type: "authorization_code", code: code!, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(tokens.status, tokens.text).toBe(200);
  const refreshed = await form({ grant_type: "refresh_token", refresh_token: (tokens.body as { refresh_token: string }).refresh_token });
  expect(refreshed.status, refreshed.text).toBe(200);

  // Out of the app's only group on A: B's next refresh is refused.
  expect((await admin.updateUser(user.id, { auto_groups: [] })).status).toBe(200);
  const refused = await form({ grant_type: "refresh_token", refresh_token: (refreshed.body as { refresh_token: string }).refresh_token });
  expect(refused.status, refused.text).toBe(400);
  expect(refused.body.error).toBe("invalid_grant");

  // A redirect URI taken away on A: B's authorization request with it is refused, not sent there.
  const changed = await call(a, `/api/applications/${app.id}`, { method: "PUT", headers: { cookie: ownerCookie, origin: a.baseURL }, json: { redirect_uris: ["http://127.0.0.1:9/elsewhere"], allowed_groups: [] } });
  expect(changed.status, changed.text).toBe(200);
  const stale = await authorizeOnB(query, cookie);
  expect(stale.location.startsWith(REDIRECT), `B still sent the person to the removed redirect URI: ${stale.location}`).toBe(false);
  expect(stale.status).toBe(400);
});

/** B's GET /auth/proxy from 127.0.0.1 (a socket address the trusted ranges may name) with the proxy's headers. */
function proxySignInOnB(headers: Record<string, string>): Promise<{ location: string | null; signedIn: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(b.url("/auth/proxy?callbackUrl=%2Fteam%2Fusers"), { localAddress: "127.0.0.1", headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ location: res.headers.location ?? null, signedIn: (res.headers["set-cookie"] ?? []).some((c) => c.startsWith(`${SESSION_COOKIE}=`)) }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("header sign-in turned on and off on A: B believes the proxy's header, then ignores it, on the next request", async () => {
  const admin = cookieClient(a, ownerCookie);
  const email = uniqueEmail("header");
  const user = await admin.createUser({ email, name: "Hal Header", role: "user", auto_groups: [] });
  const first = await signInOrFail(b, email, user.password!);
  expect((await cookieClient(b, first).put(`/api/users/${user.id}/password`, { old_password: user.password, new_password: choosePassword("hal") })).status).toBe(200);
  const asUser = { "remote-user": "hal", "remote-email": email };
  expect((await proxySignInOnB(asUser)).signedIn).toBe(false);
  try {
    const on = await admin.put("/api/settings/trusted-header", { enabled: true, trusted_ranges: ["127.0.0.1/32"], email_header: "Remote-Email" });
    expect(on.status, on.text).toBe(200);
    const believed = await proxySignInOnB(asUser);
    expect(believed.signedIn, `location ${believed.location}`).toBe(true);
  } finally {
    expect((await admin.put("/api/settings/trusted-header", { enabled: false, trusted_ranges: ["127.0.0.1/32"] })).status).toBe(200);
  }
  const ignored = await proxySignInOnB(asUser);
  expect(ignored.signedIn).toBe(false);
  expect(ignored.location).toContain("/login?error=proxy_header_missing");
});

test("an invite withdrawn on A: B's lookup and accept of its link refuse it", async () => {
  const admin = cookieClient(a, ownerCookie);
  const invite = await createInvite(admin, invitee("withdrawn"));
  expect((await lookupInvite(b, invite.invite_link)).status).toBe(200);
  const withdrawn = await admin.delete(`/api/users/invites/${invite.id}`);
  expect(withdrawn.status, withdrawn.text).toBe(200);
  expect([404, 410]).toContain((await lookupInvite(b, invite.invite_link)).status);
  const accepted = await acceptInvite(b, invite.invite_link, choosePassword("withdrawn"), { "x-forwarded-for": "198.51.100.203" });
  expect([404, 410], accepted.text).toContain(accepted.status);
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
