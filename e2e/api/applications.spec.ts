/**
 * Applications over the REST API (issue 15): register, read, change, rotate,
 * delete; the validation messages a script sees; the client secret shown once
 * and kept only as its digest; another account's id is 404; and nobody without
 * the permission (a member, an auditor's read-only token) changes anything.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, UUID_PATTERN } from "../support/api";
import { openInstanceDatabase } from "../support/database";
import { setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

type ApiApplication = {
  id: string;
  name: string;
  type: string;
  client_id: string;
  client_secret?: string;
  has_client_secret: boolean;
  client_secret_id: string | null;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  allowed_groups: string[];
  access: string;
  access_token_ttl_seconds: number;
  refresh_token_ttl_seconds: number;
  require_consent: boolean;
};

let auth: Record<string, string>;

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
});

const api = <T = ApiApplication>(path = "", init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
  call<T>(instance, `/api/applications${path}`, { method: init.method ?? "GET", headers: init.headers ?? auth, json: init.json });

const grafana = { name: "Grafana", type: "web", redirect_uris: ["https://grafana.example.com/login/generic_oauth"], post_logout_redirect_uris: ["https://grafana.example.com/"] };

async function serviceToken(role: string): Promise<Record<string, string>> {
  const bot = await call<{ id: string }>(instance, "/api/users", { method: "POST", headers: auth, json: { is_service_user: true, name: `bot-${crypto.randomUUID().slice(0, 6)}`, role } });
  expect(bot.status, bot.text).toBe(200);
  const token = await call<{ plain_token: string }>(instance, `/api/users/${bot.body.id}/tokens`, { method: "POST", headers: auth, json: { name: "t" } });
  expect(token.status, token.text).toBe(200);
  return bearer(token.body.plain_token);
}

function storedDigest(id: string): string | null {
  const database = openInstanceDatabase(instance);
  try {
    return (database.prepare("SELECT client_secret_digest AS d FROM applications WHERE id = ?").get(id) as { d: string | null }).d;
  } finally {
    database.close();
  }
}

test("registering a web app answers 201 with its client secret once; reads never show it again", async () => {
  const res = await api("", { method: "POST", json: grafana });
  expect(res.status, res.text).toBe(201);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const app = res.body;
  expect(app.id).toMatch(UUID_PATTERN);
  expect(app.client_id).toMatch(/^lka_[0-9A-Za-z]{24}$/);
  expect(app.client_secret).toMatch(/^lks_[0-9A-Za-z]{36}$/);
  expect(app).toMatchObject({ name: "Grafana", type: "web", has_client_secret: true, allowed_groups: [], access: "everyone", access_token_ttl_seconds: 600, refresh_token_ttl_seconds: 2592000, require_consent: false });
  const digest = crypto.createHash("sha256").update(app.client_secret!).digest("hex");
  expect(storedDigest(app.id)).toBe(digest);

  const got = await api(`/${app.id}`);
  expect(got.status, got.text).toBe(200);
  expect(got.text).not.toContain(app.client_secret!);
  expect(got.text).not.toContain(digest);
  expect(got.body).not.toHaveProperty("client_secret");
  const list = await api<ApiApplication[]>("");
  expect(list.status).toBe(200);
  expect(list.headers.get("x-total-count")).toBe("1");
  expect(list.text).not.toContain(app.client_secret!);
  const events = await call<Array<{ activity_code: string }>>(instance, "/api/events/audit", { headers: auth });
  expect(events.text).not.toContain(app.client_secret!);
});

test("single-page and device apps get no secret; a device app needs no redirect URI", async () => {
  const spa = await api("", { method: "POST", json: { name: "Dashboard", type: "spa", redirect_uris: ["http://localhost:5173/callback"] } });
  expect(spa.status, spa.text).toBe(201);
  expect(spa.body).not.toHaveProperty("client_secret");
  expect(spa.body.has_client_secret).toBe(false);
  const cli = await api("", { method: "POST", json: { name: "netbird CLI", type: "device" } });
  expect(cli.status, cli.text).toBe(201);
  expect(cli.body).toMatchObject({ type: "device", redirect_uris: [], has_client_secret: false });
  expectApiError(await api(`/${cli.body.id}/rotate-secret`, { method: "POST" }), 409);
});

test("validation: each problem named on its field", async () => {
  const errors = expectFieldErrors(
    await api("", { method: "POST", json: { name: "", type: "desktop", redirect_uris: ["http://app.example.com/cb", "https://app.example.com/cb#x"], access_token_ttl_seconds: 5 } }),
    "name",
    "type",
    "redirect_uris",
    "access_token_ttl_seconds",
  );
  expect(errors.name).toEqual(["Name is required"]);
  expect(errors.type[0]).toContain("web, spa, device");
  expect(errors.redirect_uris.join(" ")).toContain("http://app.example.com/cb must use https://");
  expect(errors.redirect_uris.join(" ")).toContain("can't contain a fragment");
  expect(expectFieldErrors(await api("", { method: "POST", json: { name: "No way back", type: "spa" } }), "redirect_uris").redirect_uris[0]).toContain("at least one redirect URI");
  expect(expectFieldErrors(await api("", { method: "POST", json: { ...grafana, allowed_groups: [crypto.randomUUID()] } }), "allowed_groups").allowed_groups[0]).toContain("Unknown group");
  expectFieldErrors(await api("", { method: "POST", json: { ...grafana, post_logout_redirect_uris: ["ftp://x.example.com/"] } }), "post_logout_redirect_uris");
  expectApiError(await api("", { method: "POST", json: { ...grafana, name: "x".repeat(70_000) } }), 413);
});

test("a change sends only the fields to change; the type is fixed; rotation ends the old secret", async () => {
  const created = (await api("", { method: "POST", json: { ...grafana, name: "Gitea" } })).body;
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Developers" } });
  const changed = await api(`/${created.id}`, { method: "PUT", json: { redirect_uris: ["https://git.example.com/user/oauth2/latchkey/callback"], allowed_groups: [group.body.id], require_consent: true } });
  expect(changed.status, changed.text).toBe(200);
  expect(changed.body).toMatchObject({ name: "Gitea", redirect_uris: ["https://git.example.com/user/oauth2/latchkey/callback"], post_logout_redirect_uris: grafana.post_logout_redirect_uris, allowed_groups: [group.body.id], access: "groups", require_consent: true });
  expectFieldErrors(await api(`/${created.id}`, { method: "PUT", json: { type: "spa" } }), "type");
  expectFieldErrors(await api(`/${created.id}`, { method: "PUT", json: { redirect_uris: [] } }), "redirect_uris");

  const oldDigest = storedDigest(created.id);
  const rotated = await api(`/${created.id}/rotate-secret`, { method: "POST" });
  expect(rotated.status, rotated.text).toBe(200);
  expect(rotated.headers.get("cache-control")).toBe("no-store");
  expect(rotated.body.client_secret).toMatch(/^lks_/);
  expect(rotated.body.client_secret).not.toBe(created.client_secret);
  const newDigest = storedDigest(created.id);
  expect(newDigest).not.toBe(oldDigest);
  expect(newDigest).toBe(crypto.createHash("sha256").update(rotated.body.client_secret!).digest("hex"));

  const deleted = await call(instance, `/api/applications/${created.id}`, { method: "DELETE", headers: auth });
  expect(deleted.status, deleted.text).toBe(200);
  expectApiError(await api(`/${created.id}`), 404);
  const codes = (await call<Array<{ activity_code: string; target_id?: string }>>(instance, "/api/events/audit?action=application.created,application.updated,application.secret_rotated,application.deleted", { headers: auth })).body.map((e) => e.activity_code);
  for (const code of ["application.created", "application.updated", "application.secret_rotated", "application.deleted"]) expect(codes).toContain(code);
});

test("two rotations at once naming the secret they replace: one new secret, the other told it was rotated meanwhile", async () => {
  const created = (await api("", { method: "POST", json: { ...grafana, name: "Rotated twice" } })).body;
  expect(created.client_secret_id).toMatch(/^[0-9a-f]{16}$/);
  expect(created.client_secret_id).not.toBe(storedDigest(created.id)?.slice(0, 16));
  const replaces = created.client_secret_id;
  const answers = await Promise.all([1, 2, 3].map(() => api(`/${created.id}/rotate-secret`, { method: "POST", json: { replaces } })));
  const rotated = answers.filter((a) => a.status === 200);
  expect(rotated, answers.map((a) => a.text).join("\n")).toHaveLength(1);
  for (const refused of answers.filter((a) => a.status !== 200)) {
    expectApiError(refused, 409);
    expect(refused.text).toContain("rotated meanwhile");
    expect(refused.text).not.toContain("lks_");
  }
  expect(storedDigest(created.id)).toBe(crypto.createHash("sha256").update(rotated[0].body.client_secret!).digest("hex"));
  expect(rotated[0].body.client_secret_id).not.toBe(replaces);
  expect((await api(`/${created.id}`)).body.client_secret_id).toBe(rotated[0].body.client_secret_id);
  // The id it answered rotates again; an unknown field is refused, not ignored.
  expect((await api(`/${created.id}/rotate-secret`, { method: "POST", json: { replaces: rotated[0].body.client_secret_id } })).status).toBe(200);
  expectFieldErrors(await api(`/${created.id}/rotate-secret`, { method: "POST", json: { replace: "x" } }), "replace");
});

test("another account's application is 404 everywhere", async () => {
  const mine = (await api("", { method: "POST", json: { ...grafana, name: "Mine" } })).body;
  // A second account is not reachable through the API (one account per instance): its row is written directly.
  const database = openInstanceDatabase(instance);
  const otherAccount = crypto.randomUUID();
  const theirs = crypto.randomUUID();
  try {
    database.prepare("INSERT INTO accounts (id, created_at) VALUES (?, ?)").run(otherAccount, Date.now());
    database
      .prepare("INSERT INTO applications (id, account_id, name, type, client_id, redirect_uris, post_logout_redirect_uris, created_by, created_at, updated_at) VALUES (?, ?, 'Theirs', 'spa', ?, '[\"https://theirs.example.com/cb\"]', '[]', 'x', ?, ?)")
      .run(theirs, otherAccount, `lka_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`, Date.now(), Date.now());
  } finally {
    database.close();
  }
  expectApiError(await api(`/${theirs}`), 404);
  expectApiError(await api(`/${theirs}`, { method: "PUT", json: { name: "Taken" } }), 404);
  expectApiError(await api(`/${theirs}/rotate-secret`, { method: "POST" }), 404);
  expectApiError(await api(`/${theirs}`, { method: "DELETE" }), 404);
  const list = await api<ApiApplication[]>("");
  expect(list.body.map((a) => a.id)).toContain(mine.id);
  expect(list.body.map((a) => a.id)).not.toContain(theirs);
});

test("escalation: a member gets 403; an auditor reads but its read-only token changes nothing", async () => {
  const app = (await api("", { method: "POST", json: { ...grafana, name: "Guarded" } })).body;
  const member = await serviceToken("user");
  expectApiError(await api("", { headers: member }), 403);
  expectApiError(await api(`/${app.id}`, { headers: member }), 403);
  expectApiError(await api("", { method: "POST", json: grafana, headers: member }), 403);
  expectApiError(await api(`/${app.id}`, { method: "PUT", json: { redirect_uris: ["https://evil.example.com/cb"] }, headers: member }), 403);
  expectApiError(await api(`/${app.id}/rotate-secret`, { method: "POST", headers: member }), 403);
  expectApiError(await api(`/${app.id}`, { method: "DELETE", headers: member }), 403);

  const auditor = await serviceToken("auditor");
  const read = await api(`/${app.id}`, { headers: auditor });
  expect(read.status, read.text).toBe(200);
  expect(read.body).not.toHaveProperty("client_secret");
  const refused = expectApiError(await api(`/${app.id}`, { method: "PUT", json: { redirect_uris: ["https://evil.example.com/cb"] }, headers: auditor }), 403);
  expect(refused.message).toMatch(/read-only/i);
  expectApiError(await api(`/${app.id}/rotate-secret`, { method: "POST", headers: auditor }), 403);
  expect((await api(`/${app.id}`)).body.redirect_uris).toEqual(grafana.redirect_uris);
});

test("registering and changing apps is the owner's: an admin reads and deletes them, and no custom role can hold create or update", async () => {
  // Round 14's review: whoever registers an app without consent, or adds a redirect URI to an existing one, receives
  // everyone's ID tokens there. Those two are owner-only, like the sign-in settings.
  const app = (await api("", { method: "POST", json: { ...grafana, name: "Owner's" } })).body;
  const admin = await serviceToken("admin");
  expectApiError(await api("", { method: "POST", json: { ...grafana, name: "Admin's", require_consent: false }, headers: admin }), 403);
  expectApiError(await api(`/${app.id}`, { method: "PUT", json: { redirect_uris: [...grafana.redirect_uris, "https://admin.example.com/cb"] }, headers: admin }), 403);
  expectApiError(await api(`/${app.id}/rotate-secret`, { method: "POST", headers: admin }), 403);
  expect((await api(`/${app.id}`)).body.redirect_uris).toEqual(grafana.redirect_uris);
  const read = await api(`/${app.id}`, { headers: admin });
  expect(read.status, read.text).toBe(200);

  for (const permission of ["applications:create", "applications:update"]) {
    const role = await call(instance, "/api/roles", { method: "POST", headers: auth, json: { name: `Keeper ${permission}`, description: "", permissions: ["applications:read", permission] } });
    const errors = expectFieldErrors(role, "permissions");
    expect(errors.permissions.join(" ")).toContain(permission);
  }

  const deleted = await api(`/${app.id}`, { method: "DELETE", headers: admin });
  expect([200, 204], deleted.text).toContain(deleted.status);
});
