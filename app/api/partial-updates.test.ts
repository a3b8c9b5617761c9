/**
 * The API's partial updates (a PUT changes the fields its body names): a field the route neither takes nor
 * answers is refused with 422 naming it, and nothing is saved ({"allow_unecrypted": true} answered 200 and
 * changed nothing, while the person believed it saved); what its GET answers may come back whole ("GET,
 * change one value, PUT it all back") and its read-only fields are ignored. Called through the route
 * handlers as a client with the owner's token would.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

type Handler = (request: Request, context: unknown) => Promise<Response>;
type Json = Record<string, unknown>;

let token: string;

beforeAll(async () => {
  const { ownerWithToken } = await import("@/test/factories");
  ({ token } = await ownerWithToken("partial updates"));
});

function call(url: string, method = "GET", body?: Json): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/**
 * One partial-update route: where it is, what it is given first (a PUT, or the POST that creates the
 * resource), a body with one good change and a typo, and a change for the round trip.
 */
type Case = {
  route: string;
  url: string;
  create?: { route: string; url: string; body: Json };
  setup?: Json;
  typo: Json;
  unknown: string[];
  change: Json;
};

const CASES: Case[] = [
  { route: "settings/appearance", url: "/api/settings/appearance", setup: { name: "Acme" }, typo: { name: "Other", nmae: "Other" }, unknown: ["nmae"], change: { name: "Acme Corp" } },
  {
    route: "settings/email",
    url: "/api/settings/email",
    setup: { host: "mail.example.com", from_address: "latchkey@example.com", public_url: "https://team.example.com", password: "smtp secret" },
    typo: { from_name: "Team", form_address: "team@example.com", notice_new_browsr: false },
    unknown: ["form_address", "notice_new_browsr"],
    change: { from_name: "Latchkey team" },
  },
  {
    route: "settings/ldap",
    url: "/api/settings/ldap",
    setup: { url: "ldaps://ldap.example.com", bind_dn: "cn=latchkey,dc=example,dc=com", bind_password: "bind secret", search_base: "ou=people,dc=example,dc=com" },
    // The example: with the typo the owner's choice was dropped, and nothing said so.
    typo: { start_tls: true, allow_unecrypted: true },
    unknown: ["allow_unecrypted"],
    change: { name: "Corp directory" },
  },
  { route: "settings/security", url: "/api/settings/security", setup: { require_for: "admins" }, typo: { grace_days: 7, require_fro: "everyone" }, unknown: ["require_fro"], change: { grace_days: 3 } },
  {
    route: "settings/sign-in",
    url: "/api/settings/sign-in",
    typo: { users_may_change_username: true, session_lifetime_hour: 8 },
    unknown: ["session_lifetime_hour"],
    change: { users_may_change_username: true },
  },
  {
    route: "settings/trusted-header",
    url: "/api/settings/trusted-header",
    setup: { trusted_ranges: ["10.0.0.0/8"] },
    typo: { user_header: "X-Forwarded-User", user_heder: "X-User" },
    unknown: ["user_heder"],
    change: { user_header: "X-Auth-User" },
  },
  {
    route: "roles/[id]",
    url: "/api/roles/{id}",
    create: { route: "roles", url: "/api/roles", body: { name: "Helpdesk", description: "", permissions: ["users:read"] } },
    typo: { description: "Reads people", permisions: ["users:read", "groups:read"] },
    unknown: ["permisions"],
    change: { description: "Reads people" },
  },
  {
    route: "identity-providers/[id]",
    url: "/api/identity-providers/{id}",
    create: { route: "identity-providers", url: "/api/identity-providers", body: { type: "oidc", name: "Corp SSO", issuer: "https://sso.example.com", client_id: "latchkey", client_secret: "provider secret" } },
    typo: { name: "Corp", requre_approval: true },
    unknown: ["requre_approval"],
    change: { name: "Corp single sign-on" },
  },
  {
    route: "applications/[id]",
    url: "/api/applications/{id}",
    create: { route: "applications", url: "/api/applications", body: { name: "Grafana", type: "web", redirect_uris: ["https://grafana.example.com/cb"] } },
    typo: { name: "Graphs", require_concent: true },
    unknown: ["require_concent"],
    change: { name: "Grafana (production)" },
  },
];

async function handlers(route: string): Promise<{ GET: Handler; PUT: Handler; POST: Handler }> {
  return (await import(path.join(process.cwd(), "app", "api", route, "route.ts"))) as { GET: Handler; PUT: Handler; POST: Handler };
}

/** The case's URL with the id of what its create made, and the context its handlers get. */
const prepared = new Map<string, { url: string; context: unknown }>();

async function prepare(c: Case): Promise<{ url: string; context: unknown }> {
  const known = prepared.get(c.route);
  if (known) return known;
  let url = c.url;
  let context: unknown = undefined;
  if (c.create) {
    const res = await (await handlers(c.create.route)).POST(call(c.create.url, "POST", c.create.body), undefined);
    expect(res.status, `${c.create.url}: ${JSON.stringify(await res.clone().json())}`).toBeLessThan(300);
    const { id } = (await res.json()) as { id: string };
    url = c.url.replace("{id}", id);
    context = { params: Promise.resolve({ id }) };
  }
  if (c.setup) {
    const res = await (await handlers(c.route)).PUT(call(url, "PUT", c.setup), context);
    expect(res.status, `${url}: ${JSON.stringify(await res.clone().json())}`).toBe(200);
  }
  prepared.set(c.route, { url, context });
  return { url, context };
}

async function read(c: Case): Promise<Json> {
  const { url, context } = await prepare(c);
  const res = await (await handlers(c.route)).GET(call(url), context);
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

describe("a field a partial update doesn't know", () => {
  it.each(CASES.map((c) => [c.route, c] as const))("PUT /api/%s: is a 422 naming each, and nothing is saved, the good fields beside it neither", async (_, c) => {
    const before = await read(c);
    const { url, context } = await prepare(c);
    const res = await (await handlers(c.route)).PUT(call(url, "PUT", c.typo), context);
    const body = (await res.json()) as { message: string; code: number; errors?: Record<string, string[]> };
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body).toEqual({
      message: `${c.unknown.length === 1 ? "Unknown field" : "Unknown fields"}: ${c.unknown.join(", ")}`,
      code: 422,
      errors: Object.fromEntries(c.unknown.map((name) => [name, ["Unknown field"]])),
    });
    expect(await read(c)).toEqual(before);
  });
});

describe("GET, change one value, PUT the whole object back", () => {
  it.each(CASES.map((c) => [c.route, c] as const))("PUT /api/%s: answers 200 with the change saved; the answer's read-only fields are ignored", async (_, c) => {
    const { url, context } = await prepare(c);
    const before = await read(c);
    const res = await (await handlers(c.route)).PUT(call(url, "PUT", { ...before, ...c.change }), context);
    const answer = (await res.json()) as Json;
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject(c.change);
    expect(await read(c)).toMatchObject(c.change);
    // Nothing but the change moved (a timestamp of the save aside).
    const { updated_at: _before, ...rest } = before;
    const { updated_at: _after, ...now } = await read(c);
    expect(now).toEqual({ ...rest, ...c.change });
  });
});

describe("the read-only fields a GET answers", () => {
  it("are ignored when a PUT sends them changed, not refused and not saved (a secret's \"is set\" flag, an id, the last check)", async () => {
    const ldap = CASES.find((c) => c.route === "settings/ldap")!;
    const before = await read(ldap);
    const { url, context } = await prepare(ldap);
    const res = await (await handlers(ldap.route)).PUT(call(url, "PUT", { bind_password_set: false, id: "another", configured: false, last_sync: { at: "2020-01-01T00:00:00Z" } }), context);
    expect(res.status).toBe(200);
    // The save itself moves updated_at (as any LDAP save does); nothing else.
    const { updated_at: _before, ...rest } = before;
    const { updated_at: _after, ...now } = await read(ldap);
    expect(now).toEqual(rest);
  });
});

describe("every route that reads a partial update", () => {
  it("is in this file's table, so each has its typo and round-trip test", () => {
    const apiDir = path.join(process.cwd(), "app", "api");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === "route.ts" && /\b(readPatch|settingsRoute)\(/.test(fs.readFileSync(full, "utf8"))) found.push(path.relative(apiDir, dir).split(path.sep).join("/"));
      }
    };
    walk(apiDir);
    expect(found.sort()).toEqual(CASES.map((c) => c.route).sort());
  });
});

/** The routes that create what the cases above change: held to the same rule, so a typo never makes a different record. */
const CREATES = CASES.filter((c): c is Case & { create: NonNullable<Case["create"]> } => c.create !== undefined).map((c) => ({
  ...c,
  // What a copy needs beyond the GET answer: a secret is never answered.
  copyExtra: c.create.route === "identity-providers" ? { client_secret: "provider secret" } : {},
}));

async function listed(route: string, url: string): Promise<number> {
  const res = await (await handlers(route)).GET(call(url), undefined);
  expect(res.status).toBe(200);
  return ((await res.json()) as unknown[]).length;
}

describe("a field a create doesn't know", () => {
  it.each(CREATES.map((c) => [c.create.route, c] as const))("POST /api/%s: is a 422 naming it, and nothing is made", async (_, c) => {
    const before = await listed(c.create.route, c.create.url);
    const [typo] = Object.keys(c.typo).filter((name) => c.unknown.includes(name));
    const res = await (await handlers(c.create.route)).POST(call(c.create.url, "POST", { ...c.create.body, name: "Typo", [typo]: true }), undefined);
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body).toEqual({ message: `Unknown field: ${typo}`, code: 422, errors: { [typo]: ["Unknown field"] } });
    expect(await listed(c.create.route, c.create.url)).toBe(before);
  });

  it.each(CREATES.map((c) => [c.create.route, c] as const))("POST /api/%s: a GET answer sent back (renamed) makes a copy; its read-only fields are ignored", async (_, c) => {
    const original = await read(c);
    const res = await (await handlers(c.create.route)).POST(call(c.create.url, "POST", { ...original, ...c.copyExtra, name: `${String(original.name)} copy` }), undefined);
    const copy = (await res.json()) as Json;
    expect(res.status, JSON.stringify(copy)).toBeLessThan(300);
    expect(copy.id).not.toBe(original.id);
    expect(copy.name).toBe(`${String(original.name)} copy`);
  });
});
