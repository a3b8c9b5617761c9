/**
 * Text no database can store (a NUL, U+0000; an unpaired surrogate) in what the dashboard's server
 * actions and pages receive: PostgreSQL failed the query or write with a 500, SQLite stored the NUL,
 * invisible. The action wrapper (lib/forms/server-action.ts, lib/forms/unstorable-input.ts) refuses
 * it before an action runs: a form field gets its message and the form keeps what was typed (never a
 * password); an id is not found. A page's route id is its 404 page (app/page-params.ts routeId).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import type { FormState } from "@/lib/forms/form-state";
import { NUL_TEXT_MESSAGE, UNSTORABLE_TEXT_MESSAGE } from "@/lib/http/well-formed-text";

const request = vi.hoisted(() => ({ sid: null as string | null, signIns: 0 }));
class NotFoundPage extends Error {}
vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => request.sid }));
vi.mock("@/lib/sign-in/nextauth", () => ({
  signIn: async () => {
    request.signIns += 1;
  },
  signOut: async () => undefined,
  SECOND_STEP_DUE: "second_step_due",
  SignInMustWait: class extends Error {},
}));
vi.mock("next-auth", () => ({ AuthError: class extends Error {}, CredentialsSignin: class extends Error {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new NotFoundPage();
  },
  redirect: (to: string) => {
    throw new Error(`redirect to ${to}`);
  },
}));

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

let owner: SessionActor;
let accountId: string;
const initial: FormState = { status: "idle" };

beforeAll(async () => {
  const { completeSetup, setupInputSchema } = await import("@/lib/setup/setup");
  const { startSession } = await import("@/test/factories");
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@nul.example", name: "Olive Owner", password: "a long and unusual passphrase" }), {
    ip: "203.0.113.7",
    userAgent: "vitest",
  });
  accountId = setup.account_id;
  owner = await startSession({ id: setup.user_id, accountId });
});

async function roleNames(): Promise<string[]> {
  const { listRoles } = await import("@/lib/roles/queries");
  return (await listRoles(owner)).map((r) => r.name);
}

describe("a server action's form field", () => {
  it("with a NUL gets its field's message, keeps what was typed, and nothing is written", async () => {
    request.sid = owner.sessionId;
    const { createRoleAction } = await import("@/app/(dashboard)/settings/roles/actions");
    const state = await createRoleAction(initial, formData({ name: "Night shift", description: "on\u0000call", permissions: "users:read" }));
    expect(state.status).toBe("error");
    expect(state.code).toBe(422);
    expect(state.message).toBe(UNSTORABLE_TEXT_MESSAGE);
    expect(state.fieldErrors).toEqual({ description: [NUL_TEXT_MESSAGE] });
    expect(state.values).toMatchObject({ name: "Night shift", description: "on\u0000call", permissions: "users:read" });
    expect(state.messageKeys?.[UNSTORABLE_TEXT_MESSAGE]?.key).toBe("unstorableText");
    expect(await roleNames()).not.toContain("Night shift");
  });

  it("of a public form (sign-in) is refused before anything runs, and a password is never sent back", async () => {
    request.sid = null;
    const { signInAction } = await import("@/app/(public)/login/actions");
    const before = request.signIns;
    const state = await signInAction(initial, formData({ email: "olive\u0000@nul.example", password: "pass\u0000word" }));
    expect(state.code).toBe(422);
    expect(state.fieldErrors).toEqual({ email: [NUL_TEXT_MESSAGE], password: [NUL_TEXT_MESSAGE] });
    expect(state.values).toEqual({ email: "olive\u0000@nul.example" });
    expect(request.signIns).toBe(before);
  });
});

describe("a server action's id argument", () => {
  it("with a NUL is not found, before any query (PostgreSQL failed it with a 500)", async () => {
    request.sid = owner.sessionId;
    const { setGroupMemberAction } = await import("@/app/(dashboard)/team/groups/actions");
    const state = (await setGroupMemberAction("\u0000", owner.userId, true)) as FormState;
    expect(state.status).toBe("error");
    expect(state.code).toBe(404);
  });

  it("of an action that throws its refusals is thrown as not found", async () => {
    request.sid = owner.sessionId;
    const { findPeopleAction } = await import("@/app/(dashboard)/team/groups/actions");
    await expect(findPeopleAction("g\u0000", "olive")).rejects.toMatchObject({ status: 404 });
  });

  it("is still checked for permission first: signed out stays signed out", async () => {
    request.sid = null;
    const { setGroupMemberAction } = await import("@/app/(dashboard)/team/groups/actions");
    const state = (await setGroupMemberAction("\u0000", owner.userId, true)) as FormState;
    expect(state.code).toBe(401);
  });
});

/*
 * The group page's member picker searched as someone typed and showed an error for a NUL: the wrapper refused the
 * search like an id (not found, thrown). A search no stored name can hold finds nobody instead.
 */
describe("a picker's search", () => {
  it("with a NUL or an unpaired surrogate finds nobody, as any search that matches no one", async () => {
    request.sid = owner.sessionId;
    const { findPeopleAction } = await import("@/app/(dashboard)/team/groups/actions");
    const { createGroup } = await import("@/lib/groups/groups");
    const group = await createGroup(owner, { name: "Night shift pickers" }, { ip: null, userAgent: "vitest" });
    expect((await findPeopleAction(group.id, "olive")).map((p) => p.label)).toEqual(["Olive Owner"]);
    await expect(findPeopleAction(group.id, "oli\u0000ve")).resolves.toEqual([]);
    await expect(findPeopleAction(group.id, "\u0000")).resolves.toEqual([]);
    await expect(findPeopleAction(group.id, "olive\ud800")).resolves.toEqual([]);
    // Not text at all (a public endpoint gets whatever is posted): nobody either.
    await expect(findPeopleAction(group.id, 42 as unknown as string)).resolves.toEqual([]);
  });

  it("is still checked for permission first, and the group id beside it is still an id", async () => {
    request.sid = null;
    const { findPeopleAction } = await import("@/app/(dashboard)/team/groups/actions");
    await expect(findPeopleAction("g", "oli\u0000ve")).rejects.toMatchObject({ status: 401 });
    request.sid = owner.sessionId;
    await expect(findPeopleAction("g\u0000", "oli\u0000ve")).rejects.toMatchObject({ status: 404 });
  });

  it("of the Users list (a search in the page's address, not an action) finds nobody too, on either database", async () => {
    const { listUsers, userFiltersSchema } = await import("@/lib/users/queries");
    for (const search of ["oli\u0000ve", "\u0000", "ol\u0000"]) {
      expect((await listUsers(owner, userFiltersSchema.parse({ search, service_user: "false", limit: 25 }))).items, search).toEqual([]);
    }
  });
});

describe("a page's route id (/team/groups/%00, which Next decodes)", () => {
  it("with a NUL or an unpaired surrogate is the 404 page; another id is passed on", async () => {
    const { routeId } = await import("@/app/page-params");
    await expect(routeId(Promise.resolve({ id: "\u0000" }))).rejects.toBeInstanceOf(NotFoundPage);
    await expect(routeId(Promise.resolve({ id: "a\ud800" }))).rejects.toBeInstanceOf(NotFoundPage);
    await expect(routeId(Promise.resolve({ id: "5b1c0e8e-0000-4000-8000-000000000000" }))).resolves.toBe("5b1c0e8e-0000-4000-8000-000000000000");
  });

  it("is read through routeId by every page with an [id] (their services' lookups failed with a 500 on PostgreSQL)", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const pages = (fs.readdirSync(__dirname, { recursive: true }) as string[]).filter((file) => /(^|\/)\[id\]\/page\.tsx$/.test(file));
    expect(pages.length).toBeGreaterThanOrEqual(6);
    for (const page of pages) {
      const source = fs.readFileSync(path.join(__dirname, page), "utf8");
      expect(source, page).toMatch(/routeId\(params\)/);
      expect(source, page).not.toMatch(/\(await params\)\.id|const \{ id \} = await params/);
    }
  });
});
