/**
 * Review 10d: what the REST API does with hostile input at its edges, called through the route handlers
 * as a client with a token would. Each case failed before its fix.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NAME_UNSAFE_CHARACTERS } from "@/lib/format/display-text";

vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

let token: string;
let accountId: string;

beforeAll(async () => {
  const { ownerWithToken } = await import("@/test/factories");
  ({ accountId, token } = await ownerWithToken("edges"));
});

function call(url: string, init: { method?: string; body?: string } = {}): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${url}`, { method: init.method ?? "GET", headers, body: init.body });
}

async function groupNames(): Promise<string[]> {
  const { listGroups } = await import("@/lib/groups/queries");
  const { authenticateAccessToken } = await import("@/lib/tokens/access-tokens");
  const actor = (await authenticateAccessToken(token))!;
  return (await listGroups(actor, { offset: 0 })).items.map((g: { name: string }) => g.name);
}

describe("a NUL character in a JSON body", () => {
  it("is refused with 422 naming the field, and nothing is written (PostgreSQL can't store it; SQLite kept it)", async () => {
    const { POST } = await import("@/app/api/groups/route");
    const res = await POST(call("/api/groups", { method: "POST", body: JSON.stringify({ name: "Ops\u0000Admins" }) }), undefined);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: number; message: string; errors: Record<string, string[]> };
    expect(body.code).toBe(422);
    expect(body.errors.name?.[0]).toMatch(/NUL/);
    // The headline fits a NUL as well as malformed Unicode; the field says which.
    expect(body.message).toBe("Some text contains characters that can't be stored");
    expect((await groupNames()).some((n) => n.startsWith("Ops"))).toBe(false);
  });
});

describe("query parameters", () => {
  it("a NUL character in one is a 422 naming it, never a 500 (PostgreSQL refused ?group=%00 and ?role=%00 in its query)", async () => {
    const { GET } = await import("@/app/api/users/route");
    const { GET: exportUsers } = await import("@/app/api/users/export/route");
    for (const [handler, url] of [
      [GET, "/api/users?group=%00"],
      [GET, "/api/users?role=ad%00min"],
      [exportUsers, "/api/users/export?group=%00"],
    ] as const) {
      const res = await handler(call(url), undefined);
      expect(res.status, url).toBe(422);
      const body = (await res.json()) as { errors: Record<string, string[]> };
      expect(Object.values(body.errors).flat().join(" "), url).toMatch(/NUL/);
    }
  });

  it("a % escape that is malformed or not UTF-8 is a 422 naming the parameter in every list (?search=Caf%E9 searched for \"Caf\uFFFD\" and answered an empty list)", async () => {
    const { GET: users } = await import("@/app/api/users/route");
    const { GET: groups } = await import("@/app/api/groups/route");
    const { GET: events } = await import("@/app/api/events/route");
    for (const [handler, url, param] of [
      [users, "/api/users?search=Caf%E9", "search"],
      [users, "/api/users?limit=25&search=50%", "search"],
      [groups, "/api/groups?search=%ZZ", "search"],
      [events, "/api/events?search=Ren%C3", "search"],
      [users, "/api/users?se%FFarch=x", "_"],
    ] as const) {
      const res = await handler(call(url), undefined);
      expect(res.status, url).toBe(422);
      const body = (await res.json()) as { message: string; errors: Record<string, string[]> };
      expect(body.errors[param]?.join(" "), url).toMatch(/percent-encoded UTF-8/);
    }
    // Well-formed escapes, "+" for a space and a literal U+FFFD still read as sent.
    for (const url of ["/api/users?search=Caf%C3%A9", "/api/users?search=ann+lee", "/api/users?search=%EF%BF%BD"]) {
      expect((await users(call(url), undefined)).status, url).toBe(200);
    }
  });

  it("given twice, the first one counts in every list, as in the activity log and NetBird's Go handlers (?limit=1&limit=999 answered 999 rows)", async () => {
    const { createUser } = await import("@/test/factories");
    await createUser(accountId);
    await createUser(accountId);
    const { GET: users } = await import("@/app/api/users/route");
    const { GET: groups } = await import("@/app/api/groups/route");
    const { POST: addGroup } = await import("@/app/api/groups/route");
    for (const name of ["First", "Second"]) expect((await addGroup(call("/api/groups", { method: "POST", body: JSON.stringify({ name }) }), undefined)).status).toBe(200);
    for (const [handler, url] of [
      [users, "/api/users?limit=1&limit=999"],
      [groups, "/api/groups?limit=1&limit=999"],
    ] as const) {
      const res = await handler(call(url), undefined);
      expect(res.status, url).toBe(200);
      expect(await res.json(), url).toHaveLength(1);
    }
  });

  it("a number is plain decimal digits: hex, exponents, signs, spaces and empty values are a 422 naming the parameter in every list (Number() read ?limit=0x10 as 16, 1e2 as 100, ' 5' as 5)", async () => {
    const { GET: users } = await import("@/app/api/users/route");
    const { GET: groups } = await import("@/app/api/groups/route");
    const { GET: invites } = await import("@/app/api/users/invites/route");
    const { GET: applications } = await import("@/app/api/applications/route");
    const { GET: events } = await import("@/app/api/events/route");
    const { GET: audit } = await import("@/app/api/events/audit/route");
    const lists = [
      [users, "/api/users"],
      [groups, "/api/groups"],
      [invites, "/api/users/invites"],
      [applications, "/api/applications"],
      [events, "/api/events"],
      [audit, "/api/events/audit"],
    ] as const;
    const refused: [string, string][] = [];
    for (const [handler, base] of lists) {
      const names = base.startsWith("/api/events") ? ["limit", "offset", "before", "after"] : ["limit", "offset"];
      for (const name of names) {
        for (const value of ["0x10", "1e2", "%205", "5%20", "%2B5", "5.0", "0b1", "", "%EF%BC%95"]) {
          // before/after read an empty value as absent (the Activity page's form sends them so).
          if (value === "" && (name === "before" || name === "after")) continue;
          const url = `${base}?${name}=${value}`;
          const res = await handler(call(url), undefined);
          const body = (await res.json()) as { errors?: Record<string, string[]> };
          if (res.status !== 422 || !body.errors?.[name]?.[0]?.includes("digits")) refused.push([url, `${res.status} ${JSON.stringify(body).slice(0, 120)}`]);
        }
      }
      const res = await handler(call(`${base}?limit=2&offset=0`), undefined);
      expect(res.status, base).toBe(200);
    }
    expect(refused).toEqual([]);
  });
});

describe("methods a route doesn't serve", () => {
  it("are answered by every route file with a JSON 405 naming the allowed ones, and OPTIONS names the same ones (POST /api/users/{id}/service-tokens fell through to Next's bare 405; Next's OPTIONS listed every method)", async () => {
    const apiDir = path.join(process.cwd(), "app", "api");
    const routeFiles: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        // Auth.js answers its own paths.
        else if (entry.name === "route.ts" && !full.includes(`${path.sep}auth${path.sep}`)) routeFiles.push(full);
      }
    };
    walk(apiDir);
    const missing: string[] = [];
    for (const file of routeFiles) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        if (typeof mod[method] !== "function") missing.push(`${method} ${path.relative(apiDir, file)}`);
      }
    }
    expect(missing).toEqual([]);
    // OPTIONS names the same methods as a 405's Allow: Next's own answer listed every exported one, the 405 handlers included.
    const wrongAllow: string[] = [];
    for (const file of routeFiles) {
      const mod = (await import(file)) as Record<string, (r: Request, c: unknown) => Promise<Response> | Response>;
      // A refused method's handler is otherMethods' one (lib/http/methods.ts), named "refuse": calling it does nothing else.
      const refused = ["GET", "POST", "PUT", "PATCH", "DELETE"].find((m) => mod[m]?.name === "refuse");
      if (!refused) continue;
      const res405 = await mod[refused](new Request("http://localhost/api/x", { method: refused }), undefined);
      const options = mod.OPTIONS;
      const allow = res405.headers.get("allow");
      const answered = typeof options === "function" ? await options(new Request("http://localhost/api/x", { method: "OPTIONS" }), undefined) : undefined;
      if (answered?.status !== 204 || answered.headers.get("allow") !== `${allow}, OPTIONS`) wrongAllow.push(`${path.relative(apiDir, file)}: ${answered?.headers.get("allow") ?? "none"} vs ${allow}`);
    }
    expect(wrongAllow).toEqual([]);
    const { POST } = (await import("@/app/api/users/[id]/service-tokens/route")) as unknown as Record<string, (r: Request) => Promise<Response>>;
    const res = await POST(call("/api/users/x/service-tokens", { method: "POST" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(await res.json()).toEqual({ message: "Method POST is not allowed here", code: 405 });
  });
});

describe("GET /api/events/audit", () => {
  it("honours the documented after cursor without a limit too (it answered the whole log, older events included)", async () => {
    const { POST: addGroup } = await import("@/app/api/groups/route");
    const { GET: events } = await import("@/app/api/events/route");
    const { GET: audit } = await import("@/app/api/events/audit/route");
    for (const name of ["Audit A", "Audit B", "Audit C"]) await addGroup(call("/api/groups", { method: "POST", body: JSON.stringify({ name }) }), undefined);
    const newest = (await (await events(call("/api/events?limit=3"), undefined)).json()) as { id: string; seq: number }[];
    const after = newest[2].seq;
    const res = await audit(call(`/api/events/audit?after=${after}`), undefined);
    expect(res.status).toBe(200);
    const got = (await res.json()) as { id: string }[];
    expect(got.map((e) => e.id)).toEqual(newest.slice(0, 2).map((e) => e.id));
    // Without a limit the answer is streamed a batch at a time (review 13): its total is known only at the end.
    expect(res.headers.get("x-total-count")).toBeNull();
  });
});

describe("a group's name", () => {
  it("is one line of visible text, as people's, roles' and the instance's names are (a line break or a bidi override was kept, and went to apps in the groups claim)", async () => {
    const { POST } = await import("@/app/api/groups/route");
    for (const name of ["Ops\nAdmins", "Ops\u202Esnimda", "Ops\tTeam", "Ops\u2028Admins"]) {
      const res = await POST(call("/api/groups", { method: "POST", body: JSON.stringify({ name }) }), undefined);
      expect(res.status, JSON.stringify(name)).toBe(422);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors.name).toEqual([NAME_UNSAFE_CHARACTERS]);
    }
    expect((await groupNames()).filter((n) => n.startsWith("Ops"))).toEqual([]);
  });
});

describe("a role's name", () => {
  it("refuses bidi overrides and line separators too, not only control characters (\"Auditor\\u202E\" passed)", async () => {
    const { POST } = await import("@/app/api/roles/route");
    for (const name of ["Auditor\u202Erotidua", "Help\u2028desk", "Help\u2066desk"]) {
      const res = await POST(call("/api/roles", { method: "POST", body: JSON.stringify({ name, permissions: ["users:read"] }) }), undefined);
      expect(res.status, JSON.stringify(name)).toBe(422);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors.name).toEqual(["Name must not contain control characters"]);
    }
  });
});

describe("names people read on the consent and sign-in pages", () => {
  it("an application's name is one line of visible text (it is shown on the consent page to everyone signing in to it)", async () => {
    const { POST } = await import("@/app/api/applications/route");
    for (const name of ["Grafana\nAllow this to read your mail", "Grafana\u202Eliam", "Grafana\u2029x"]) {
      const res = await POST(call("/api/applications", { method: "POST", body: JSON.stringify({ name, type: "web", redirect_uris: ["https://grafana.example.com/login/generic_oauth"] }) }), undefined);
      expect(res.status, JSON.stringify(name)).toBe(422);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors.name).toEqual([NAME_UNSAFE_CHARACTERS]);
    }
  });

  it("an identity provider's display name too (it is the public sign-in page's button)", async () => {
    const { providerInputSchema } = await import("@/lib/idp/schemas");
    const { parseOrThrow } = await import("@/lib/http/validation");
    const base = { type: "oidc", issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "s3cret" };
    for (const name of ["Google\nor type your password here", "Google\u202Eelgoog"]) {
      let fields: Record<string, string[]> = {};
      try {
        parseOrThrow(providerInputSchema, { ...base, name });
      } catch (err) {
        fields = (err as { fieldErrors: Record<string, string[]> }).fieldErrors;
      }
      expect(fields.name, JSON.stringify(name)).toEqual([NAME_UNSAFE_CHARACTERS]);
    }
  });
});

describe("GET /api/docs/assets/{file}", () => {
  it("answers 404 for a name only an object's prototype holds (/api/docs/assets/constructor was a 500 reading node_modules)", async () => {
    const { GET } = await import("@/app/api/docs/assets/[file]/route");
    for (const file of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const res = await GET(new Request(`http://localhost/api/docs/assets/${file}`), { params: Promise.resolve({ file }) });
      expect(res.status, file).toBe(404);
    }
    const css = await GET(new Request("http://localhost/api/docs/assets/swagger-ui.css"), { params: Promise.resolve({ file: "swagger-ui.css" }) });
    expect(css.status).toBe(200);
  });
});

describe("numbers in a settings body", () => {
  it("must be numbers (or a form's digits): true, false, null and [7] are refused, where z.coerce read them as 1, 0, 0 and 7", async () => {
    const { PUT } = await import("@/app/api/settings/security/route");
    const { GET } = await import("@/app/api/settings/security/route");
    const { PUT: mailPut } = await import("@/app/api/settings/email/route");
    expect((await PUT(call("/api/settings/security", { method: "PUT", body: JSON.stringify({ require_for: "nobody", grace_days: 14 }) }), undefined)).status).toBe(200);
    for (const grace_days of [true, null, [7], false]) {
      const res = await PUT(call("/api/settings/security", { method: "PUT", body: JSON.stringify({ grace_days }) }), undefined);
      expect(res.status, JSON.stringify(grace_days)).toBe(422);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors.grace_days, JSON.stringify(grace_days)).toBeDefined();
    }
    expect(((await (await GET(call("/api/settings/security"), undefined)).json()) as { grace_days: number }).grace_days).toBe(14);
    for (const port of [true, [25], null]) {
      const res = await mailPut(call("/api/settings/email", { method: "PUT", body: JSON.stringify({ port }) }), undefined);
      expect(res.status, JSON.stringify(port)).toBe(422);
    }
  });
});

describe("a NUL character in a path id (/api/users/%00, which Next decodes)", () => {
  it("is a 404, as any id that names nothing, on every route with an id (it was a 500 on PostgreSQL)", async () => {
    const routes: [string, string, Record<string, string>][] = [
      ["@/app/api/users/[id]/route", "GET", { id: "\u0000" }],
      ["@/app/api/groups/[id]/route", "DELETE", { id: "a\u0000b" }],
      ["@/app/api/roles/[id]/route", "GET", { id: "\u0000" }],
      ["@/app/api/applications/[id]/route", "GET", { id: "\u0000" }],
      ["@/app/api/users/[id]/sessions/[sessionId]/route", "DELETE", { id: "\u0000", sessionId: "x" }],
    ];
    for (const [file, method, params] of routes) {
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, (r: Request, c: unknown) => Promise<Response>>;
      const res = await mod[method](call("/api/x", { method }), { params: Promise.resolve(params) });
      expect(res.status, `${method} ${file}`).toBe(404);
      expect(((await res.json()) as { message: string }).message).toMatch(/not found$/);
    }
  });
});

describe("pending invites", () => {
  it("are bounded per inviter, as access tokens and sessions are (the list decrypts every one on each read; a script made them without end)", async () => {
    const { MAX_PENDING_INVITES_PER_INVITER } = await import("@/lib/invites/limits");
    const { POST } = await import("@/app/api/users/invites/route");
    const first = await POST(call("/api/users/invites", { method: "POST", body: JSON.stringify({ name: "Ivy", role: "user" }) }), undefined);
    expect(first.status).toBe(200);
    // The rest straight into the table: copies of the first with their own ids and token digests.
    const { db } = await import("@/lib/db/database");
    const { invites } = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    const [row] = await db().select().from(invites).where(eq(invites.id, ((await first.json()) as { id: string }).id));
    const { writeSystem } = await import("@/lib/data/unit-of-work");
    const crypto = await import("node:crypto");
    const copies = Array.from({ length: MAX_PENDING_INVITES_PER_INVITER - 1 }, () => ({ ...row, id: crypto.randomUUID(), tokenDigest: crypto.randomBytes(32).toString("hex") }));
    await writeSystem(async (tx) => {
      for (let i = 0; i < copies.length; i += 100) await tx.insert(invites).values(copies.slice(i, i + 100));
    });
    const res = await POST(call("/api/users/invites", { method: "POST", body: JSON.stringify({ name: "One too many", role: "user" }) }), undefined);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain(String(MAX_PENDING_INVITES_PER_INVITER));
  });
});

describe("the mail sender's name", () => {
  it("is one line of visible text: every mail shows it as who it is from (\"IT Support\\u202E\" and line breaks were kept)", async () => {
    const { PUT } = await import("@/app/api/settings/email/route");
    for (const from_name of ["Latchkey\u202Etroppus", "Latchkey\nBcc: x@example.com", "IT\u2028Support"]) {
      const res = await PUT(call("/api/settings/email", { method: "PUT", body: JSON.stringify({ from_name }) }), undefined);
      expect(res.status, JSON.stringify(from_name)).toBe(422);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors.from_name).toEqual(["Name must not contain control characters"]);
    }
  });
});

describe("an access token's name", () => {
  it("is one line of visible text too: the person's security notice mail quotes it (\"ci\\u2028\\u2028No action is needed\" passed)", async () => {
    const { authenticateAccessToken } = await import("@/lib/tokens/access-tokens");
    const me = (await authenticateAccessToken(token))!;
    const { POST } = await import("@/app/api/users/[id]/tokens/route");
    for (const name of ["ci\u2028\u2028No action is needed", "ci\u202Edaer"]) {
      const res = await POST(call(`/api/users/${me.userId}/tokens`, { method: "POST", body: JSON.stringify({ name, expires_in: 1 }) }), { params: Promise.resolve({ id: me.userId }) });
      expect(res.status, JSON.stringify(name)).toBe(422);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors.name).toEqual(["Name must not contain control characters"]);
    }
  });
});
