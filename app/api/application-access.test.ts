/**
 * Who may sign in to an application, as a script and the dashboard change it: GET then PUT back changes
 * nothing about access, for an app open to everyone, one limited to groups and one whose groups were all
 * deleted ("nobody": the round trip's `"allowed_groups": []` used to open it to everyone); `access` is
 * written explicitly; and the dashboard's form, with and without JavaScript, keeps a "nobody" app closed
 * unless Everyone is chosen. Called through the route handlers (a client with the owner's token) and the
 * server action (the owner's session).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import type { FormState } from "@/lib/forms/form-state";
import { markChanges, snapshotOf } from "@/lib/forms/changed-fields";

const session = vi.hoisted(() => ({ sid: null as string | null }));
vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => session.sid }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

type Json = Record<string, unknown>;
type Handler = (request: Request, context: unknown) => Promise<Response>;

let token: string;
let owner: SessionActor;
const META = { ip: "203.0.113.7", userAgent: "vitest" };
const REDIRECT = "https://grafana.access.example/login/generic_oauth";

beforeAll(async () => {
  const { ownerWithToken, startSession } = await import("@/test/factories");
  const made = await ownerWithToken("access");
  token = made.token;
  owner = await startSession({ id: made.userId, accountId: made.accountId });
  session.sid = owner.sessionId;
});

function call(url: string, method = "GET", body?: Json): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function one(): Promise<{ GET: Handler; PUT: Handler }> {
  return (await import("@/app/api/applications/[id]/route")) as unknown as { GET: Handler; PUT: Handler };
}

async function post(body: Json): Promise<{ status: number; body: Json }> {
  const { POST } = (await import("@/app/api/applications/route")) as unknown as { POST: Handler };
  const res = await POST(call("/api/applications", "POST", body), undefined);
  return { status: res.status, body: (await res.json()) as Json };
}

async function get(id: string): Promise<Json> {
  const res = await (await one()).GET(call(`/api/applications/${id}`), { params: Promise.resolve({ id }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

async function put(id: string, body: Json): Promise<{ status: number; body: Json }> {
  const res = await (await one()).PUT(call(`/api/applications/${id}`, "PUT", body), { params: Promise.resolve({ id }) });
  return { status: res.status, body: (await res.json()) as Json };
}

async function group(name: string): Promise<string> {
  const { createGroup } = await import("@/lib/groups/groups");
  return (await createGroup(owner, { name }, META)).id;
}

async function events(id: string) {
  const { eq } = await import("drizzle-orm");
  const { db } = await import("@/lib/db/database");
  const { activityEvents } = await import("@/lib/db/schema");
  return db().select().from(activityEvents).where(eq(activityEvents.targetId, id));
}

let made = 0;
/** An app in each state: open to everyone, limited to a group, or nobody (its only group deleted). */
async function app(access: "everyone" | "groups" | "nobody"): Promise<string> {
  made += 1;
  const groups = access === "everyone" ? [] : [await group(`Access ${made}`)];
  const created = await post({ name: `App ${made}`, type: "web", redirect_uris: [REDIRECT], allowed_groups: groups });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = String(created.body.id);
  if (access === "nobody") {
    const { deleteGroup } = await import("@/lib/groups/groups");
    await deleteGroup(owner, groups[0], META);
  }
  expect(await get(id)).toMatchObject({ access, allowed_groups: access === "groups" ? groups : [] });
  return id;
}

/** What a GET answers, without the save's timestamp. */
const settled = ({ updated_at: _, ...rest }: Json) => rest;

describe("GET, then PUT the whole object back", () => {
  it.each(["everyone", "groups", "nobody"] as const)("keeps an app's access (%s) as it was, renamed or not", async (access) => {
    const id = await app(access);
    const before = await get(id);
    const same = await put(id, before);
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(await get(id)).toEqual(before);
    const renamed = await put(id, { ...before, name: `${String(before.name)} (production)` });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(settled(await get(id))).toEqual({ ...settled(before), name: `${String(before.name)} (production)` });
    // Only the rename is recorded: access didn't change.
    const updated = (await events(id)).filter((e) => e.action === "application.updated");
    expect(updated.map((e) => (e.details as { changed: string[] }).changed)).toEqual([["name"]]);
  });

  it("an older client that sends no access: the same list back changes nothing, a nobody app stays closed", async () => {
    const id = await app("nobody");
    const { access: _, ...before } = await get(id);
    const res = await put(id, { ...before, name: "Still closed" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ name: "Still closed", access: "nobody", allowed_groups: [] });
  });
});

describe("access, written explicitly", () => {
  it("everyone on a nobody app opens it; groups on an everyone app need a group", async () => {
    const closed = await app("nobody");
    expect((await put(closed, { access: "everyone" })).body).toMatchObject({ access: "everyone", allowed_groups: [] });
    const open = await app("everyone");
    const refused = await put(open, { access: "groups" });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ errors: { allowed_groups: ["Tick at least one group, or choose Everyone"] } });
    const ops = await group("Access ops");
    expect((await put(open, { access: "groups", allowed_groups: [ops] })).body).toMatchObject({ access: "groups", allowed_groups: [ops] });
  });

  it("groups with an empty list is a 422 and changes nothing", async () => {
    const id = await app("groups");
    const before = await get(id);
    const res = await put(id, { access: "groups", allowed_groups: [], name: "Renamed" });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 422, errors: { allowed_groups: ["Tick at least one group, or choose Everyone"] } });
    expect(await get(id)).toEqual(before);
  });

  it("everyone or nobody with a group not stored is a 422 on allowed_groups", async () => {
    const id = await app("groups");
    const before = await get(id);
    const other = await group("Not allowed yet");
    for (const access of ["everyone", "nobody"]) {
      const res = await put(id, { access, allowed_groups: [...(before.allowed_groups as string[]), other] });
      expect(res.status).toBe(422);
      expect(Object.keys((res.body as { errors: Json }).errors)).toEqual(["allowed_groups"]);
    }
    expect(await get(id)).toEqual(before);
  });

  it("a GET sent back with only access changed does what access says (the stored groups it carries go)", async () => {
    for (const access of ["everyone", "nobody"]) {
      const id = await app("groups");
      const res = await put(id, { ...(await get(id)), access });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ access, allowed_groups: [] });
    }
  });

  it("nobody closes an app and clears its groups", async () => {
    const id = await app("groups");
    expect((await put(id, { access: "nobody" })).body).toMatchObject({ access: "nobody", allowed_groups: [] });
  });

  it("an empty list without access still opens an app limited to groups (what [] has always meant)", async () => {
    const id = await app("groups");
    expect((await put(id, { allowed_groups: [] })).body).toMatchObject({ access: "everyone", allowed_groups: [] });
  });

  it("an unknown access is a 422 naming the field", async () => {
    const id = await app("everyone");
    const res = await put(id, { access: "some" });
    expect(res.status).toBe(422);
    expect(Object.keys((res.body as { errors: Json }).errors)).toEqual(["access"]);
  });

  it("POST takes access: everyone, groups with a group, nobody; groups without one and everyone with some are refused", async () => {
    const ops = await group("Access create");
    const base = { type: "web", redirect_uris: [REDIRECT] };
    expect((await post({ ...base, name: "Open", access: "everyone" })).body).toMatchObject({ access: "everyone", allowed_groups: [] });
    expect((await post({ ...base, name: "Limited", access: "groups", allowed_groups: [ops] })).body).toMatchObject({ access: "groups", allowed_groups: [ops] });
    expect((await post({ ...base, name: "Closed", access: "nobody" })).body).toMatchObject({ access: "nobody", allowed_groups: [] });
    expect((await post({ ...base, name: "Implied", allowed_groups: [ops] })).body).toMatchObject({ access: "groups" });
    const none = await post({ ...base, name: "Empty", access: "groups" });
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ errors: { allowed_groups: ["Tick at least one group, or choose Everyone"] } });
    expect((await post({ ...base, name: "Both", access: "everyone", allowed_groups: [ops] })).status).toBe(422);
  });
});

/** The fields of the application page's form as it renders them for `app`: every group box, ticked or not. */
function formFields(app: Json): Record<string, string | string[]> {
  const access = app.access === "everyone" ? "everyone" : "groups";
  return {
    name: String(app.name),
    redirect_uris: (app.redirect_uris as string[]).join("\n"),
    post_logout_redirect_uris: "",
    access,
    // A disabled box (Everyone chosen) isn't submitted.
    allowed_groups: access === "everyone" ? [] : (app.allowed_groups as string[]),
    access_token_ttl_minutes: "10",
    refresh_token_ttl_days: "30",
    id_token_signed_response_alg: "RS256",
  };
}

function formData(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
}

/** As the browser posts it: the fields the person changed since `loaded` marked. */
function tracked(loaded: Record<string, string | string[]>, now: Record<string, string | string[]>): FormData {
  const data = formData(now);
  markChanges(data, snapshotOf(formData(loaded)));
  return data;
}

async function save(id: string, data: FormData): Promise<FormState> {
  const { updateApplicationAction } = await import("@/app/(dashboard)/settings/applications/actions");
  return updateApplicationAction(id, undefined as never, data);
}

describe("the application page's form", () => {
  it("without JavaScript (no change markers), renaming a nobody app keeps it closed", async () => {
    const id = await app("nobody");
    const fields = formFields(await get(id));
    const state = await save(id, formData({ ...fields, name: "Renamed without script" }));
    expect(state.status, JSON.stringify(state)).toBe("success");
    expect(await get(id)).toMatchObject({ name: "Renamed without script", access: "nobody", allowed_groups: [] });
  });

  it("with JavaScript, a rename alone keeps a nobody app closed, and choosing Everyone opens it", async () => {
    const id = await app("nobody");
    const loaded = formFields(await get(id));
    expect((await save(id, tracked(loaded, { ...loaded, name: "Renamed" }))).status).toBe("success");
    expect(await get(id)).toMatchObject({ name: "Renamed", access: "nobody" });
    expect((await save(id, tracked(loaded, { ...loaded, access: "everyone" }))).status).toBe("success");
    expect(await get(id)).toMatchObject({ access: "everyone", allowed_groups: [] });
  });

  it("unticking the last group under Only members is an error beside the groups, nothing saved, what was chosen kept", async () => {
    const id = await app("groups");
    const before = await get(id);
    const loaded = formFields(before);
    const state = await save(id, tracked(loaded, { ...loaded, allowed_groups: [] }));
    expect(state.status).toBe("error");
    expect(state.fieldErrors).toEqual({ allowed_groups: ["Tick at least one group, or choose Everyone"] });
    expect(state.values).toMatchObject({ access: "groups", allowed_groups: "" });
    expect(await get(id)).toEqual(before);
  });

  it("choosing Everyone (its group boxes disabled, so not submitted) opens a limited app and clears its groups", async () => {
    const id = await app("groups");
    const loaded = formFields(await get(id));
    expect((await save(id, tracked(loaded, { ...loaded, access: "everyone", allowed_groups: [] }))).status).toBe("success");
    expect(await get(id)).toMatchObject({ access: "everyone", allowed_groups: [] });
  });

  it("without JavaScript, Everyone with the stored boxes still ticked opens the app; a box ticked anew is refused beside the groups", async () => {
    const id = await app("groups");
    const before = await get(id);
    const other = await group("Ticked anew");
    const refused = await save(id, formData({ ...formFields(before), access: "everyone", allowed_groups: [...(before.allowed_groups as string[]), other] }));
    expect(refused.status).toBe("error");
    expect(Object.keys(refused.fieldErrors ?? {})).toEqual(["allowed_groups"]);
    expect(await get(id)).toEqual(before);
    const state = await save(id, formData({ ...formFields(before), access: "everyone" }));
    expect(state.status, JSON.stringify(state)).toBe("success");
    expect(await get(id)).toMatchObject({ access: "everyone", allowed_groups: [] });
  });

  it("the New application form registers an app for members of the ticked groups, or for everyone", async () => {
    const { createApplicationAction } = await import("@/app/(dashboard)/settings/applications/actions");
    const ops = await group("Access form");
    const fields = { name: "Form app", type: "web", redirect_uris: REDIRECT, access: "groups", allowed_groups: [ops], access_token_ttl_minutes: "10", refresh_token_ttl_days: "30" };
    const limited = await createApplicationAction(undefined as never, formData(fields));
    expect(limited.status, JSON.stringify(limited)).toBe("success");
    expect(await get(String(limited.result?.id))).toMatchObject({ access: "groups", allowed_groups: [ops] });
    const empty = await createApplicationAction(undefined as never, formData({ ...fields, allowed_groups: [] }));
    expect(empty.fieldErrors).toEqual({ allowed_groups: ["Tick at least one group, or choose Everyone"] });
    const open = await createApplicationAction(undefined as never, formData({ ...fields, access: "everyone", allowed_groups: [] }));
    expect(await get(String(open.result?.id))).toMatchObject({ access: "everyone", allowed_groups: [] });
  });
});
