/**
 * Review 22, the automation engineer's journey: what a script calling the REST API with a token reads back when
 * it gets something wrong, called through the route handlers as curl would. Each case failed before its fix.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

type Handler = (request: Request, context: unknown) => Promise<Response>;
type ApiError = { message: string; code: number; errors?: Record<string, string[]> };

let accountId: string;
let ownerToken: string;
/** A token of a service user with the User role: read-only API access. */
let readOnlyToken: string;

function call(url: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Request {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? ownerToken : init.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${url}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

const params = (values: Record<string, string>) => ({ params: Promise.resolve(values) });

async function eventCount(): Promise<number> {
  const { db } = await import("@/lib/db/database");
  const { activityEvents } = await import("@/lib/db/schema");
  const { eq } = await import("drizzle-orm");
  return (await db().select({ id: activityEvents.id }).from(activityEvents).where(eq(activityEvents.accountId, accountId))).length;
}

beforeAll(async () => {
  const { ownerWithToken } = await import("@/test/factories");
  ({ accountId, token: ownerToken } = await ownerWithToken("automation"));
  const { POST: createUser } = (await import("@/app/api/users/route")) as unknown as { POST: Handler };
  const reader = (await (await createUser(call("/api/users", { method: "POST", body: { is_service_user: true, name: "Reporter", role: "user" } }), undefined)).json()) as { id: string };
  const { POST: createToken } = (await import("@/app/api/users/[id]/tokens/route")) as unknown as { POST: Handler };
  const res = await createToken(call(`/api/users/${reader.id}/tokens`, { method: "POST", body: { name: "report", expires_in: 1 } }), params({ id: reader.id }));
  readOnlyToken = ((await res.json()) as { plain_token: string }).plain_token;
});

describe("a number, a list or an object where text goes", () => {
  it("is a 422 saying the field must be text, not that it is required ({\"name\": 123} answered \"Name is required\")", async () => {
    const { POST: groups } = (await import("@/app/api/groups/route")) as unknown as { POST: Handler };
    const { POST: roles } = (await import("@/app/api/roles/route")) as unknown as { POST: Handler };
    const { POST: applications } = (await import("@/app/api/applications/route")) as unknown as { POST: Handler };
    const { POST: providers } = (await import("@/app/api/identity-providers/route")) as unknown as { POST: Handler };
    const before = await eventCount();
    const answers: Record<string, unknown> = {};
    for (const [what, handler, url, body] of [
      ["group", groups, "/api/groups", { name: 123 }],
      ["role", roles, "/api/roles", { name: ["Helpdesk"], description: "", permissions: [] }],
      ["application", applications, "/api/applications", { name: { en: "Grafana" }, type: "device" }],
      ["provider", providers, "/api/identity-providers", { type: "oidc", name: 7, issuer: 8, client_id: 9, client_secret: "s" }],
    ] as const) {
      const res = await handler(call(url, { method: "POST", body }), undefined);
      answers[what] = [res.status, ((await res.json()) as ApiError).errors];
    }
    expect(answers).toEqual({
      group: [422, { name: ["Name must be text"] }],
      role: [422, { name: ["Name must be text"] }],
      application: [422, { name: ["Name must be text"] }],
      provider: [422, { name: ["Display name must be text"], issuer: ["Issuer URL must be text"], client_id: ["Client ID must be text"] }],
    });
    // Left out (or null) it is still "required".
    const missing = await groups(call("/api/groups", { method: "POST", body: { name: null } }), undefined);
    expect(((await missing.json()) as ApiError).errors).toEqual({ name: ["Name is required"] });
    expect(await eventCount()).toBe(before);
  });
});

describe("a 401", () => {
  it("says how to authenticate in WWW-Authenticate (RFC 9110 requires it; the API sent none)", async () => {
    const { GET: users } = (await import("@/app/api/users/route")) as unknown as { GET: Handler };
    for (const token of [null, "lkp_notatoken", `${ownerToken}x`]) {
      const res = await users(call("/api/users", { token }), undefined);
      expect(res.status, String(token)).toBe(401);
      expect(res.headers.get("www-authenticate"), String(token)).toBe('Bearer realm="Latchkey API"');
    }
    // Other refusals carry none.
    const { PUT: signIn } = (await import("@/app/api/settings/sign-in/route")) as unknown as { PUT: Handler };
    const refused = await signIn(call("/api/settings/sign-in", { method: "PUT", body: { local_login_enabled: true }, token: readOnlyToken }), undefined);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBeNull();
  });
});

describe("a read-only token's write", () => {
  it("is a 403 saying the token is read-only whatever the body (a settings PUT or a provider POST with a body the schema refuses answered 422 first)", async () => {
    const { PUT: signIn } = (await import("@/app/api/settings/sign-in/route")) as unknown as { PUT: Handler };
    const { POST: providers } = (await import("@/app/api/identity-providers/route")) as unknown as { POST: Handler };
    const { POST: groups } = (await import("@/app/api/groups/route")) as unknown as { POST: Handler };
    const { READ_ONLY_TOKEN } = await import("@/lib/auth/policy");
    const before = await eventCount();
    const answers = [];
    for (const [handler, url, method, body] of [
      [signIn, "/api/settings/sign-in", "PUT", {}],
      [signIn, "/api/settings/sign-in", "PUT", { typo: true }],
      [providers, "/api/identity-providers", "POST", {}],
      [groups, "/api/groups", "POST", { name: 5 }],
      [groups, "/api/groups", "POST", { name: "Readers" }],
    ] as const) {
      const res = await handler(call(url, { method, body, token: readOnlyToken }), undefined);
      answers.push([url, res.status, ((await res.json()) as ApiError).message]);
    }
    expect(answers).toEqual([
      ["/api/settings/sign-in", 403, READ_ONLY_TOKEN],
      ["/api/settings/sign-in", 403, READ_ONLY_TOKEN],
      ["/api/identity-providers", 403, READ_ONLY_TOKEN],
      ["/api/groups", 403, READ_ONLY_TOKEN],
      ["/api/groups", 403, READ_ONLY_TOKEN],
    ]);
    expect(await eventCount()).toBe(before);
    // Its reads answer as before.
    const { GET: users } = (await import("@/app/api/users/current/route")) as unknown as { GET: Handler };
    expect((await users(call("/api/users/current", { token: readOnlyToken }), undefined)).status).toBe(200);
  });
});

describe("HEAD on a GET whose work counts", () => {
  it("is a 405 naming GET: the users export recorded \"Users exported\" for a HEAD that sent nothing, and a HEAD spent an integrity check", async () => {
    const before = await eventCount();
    for (const path of ["users/export", "events/integrity", "events/export"]) {
      const mod = (await import(`@/app/api/${path}/route`)) as unknown as Record<string, Handler>;
      expect(typeof mod.HEAD, path).toBe("function");
      const res = await mod.HEAD(call(`/api/${path}`, { method: "HEAD" }), undefined);
      expect([path, res.status, res.headers.get("allow")]).toEqual([path, 405, "GET"]);
      const options = await mod.OPTIONS(call(`/api/${path}`, { method: "OPTIONS" }), undefined);
      expect(options.headers.get("allow"), path).toBe("GET, OPTIONS");
    }
    expect(await eventCount()).toBe(before);
  });
});
