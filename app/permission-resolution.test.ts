/**
 * Permissions are resolved once per request (issue 13's performance rule):
 * counted, not timed. A caller's effective permissions (roles ∪ group roles,
 * narrowed by a token's scope) are looked up when the request is
 * authenticated; every permission check after that is a set lookup. A write
 * resolves them once more under the write lock (lib/auth/fresh-actor.ts), so
 * a role taken away mid-request stops the write. Nothing else re-resolves the
 * caller, however many checks the request makes.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";

const seen = vi.hoisted(() => ({ sid: null as string | null, resolved: [] as string[] }));
vi.mock("@/lib/auth/effective-permissions", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/effective-permissions")>();
  return {
    ...real,
    resolvePermissions: (...args: Parameters<typeof real.resolvePermissions>) => {
      seen.resolved.push(args[1].userId);
      return real.resolvePermissions(...args);
    },
  };
});
vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => seen.sid }));
vi.mock("@/lib/sign-in/nextauth", () => ({ signIn: async () => undefined, signOut: async () => undefined }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

let helpdesk: SessionActor;
let token: string;
let victimId: string;

/** How many times the caller's permissions were resolved while `run` handled one request. */
async function resolutionsOf(callerId: string, run: () => Promise<unknown>): Promise<number> {
  seen.resolved = [];
  await run();
  return seen.resolved.filter((id) => id === callerId).length;
}

beforeAll(async () => {
  // The test setup (test/unit-env.ts) loaded lib/ already: load it again, so every module sees the counting mock.
  vi.resetModules();
  await import("@/lib/reactions");
  const { createGroup } = await import("@/lib/groups/groups");
  const { setGroupRoles } = await import("@/lib/roles/assignments");
  const { createRole } = await import("@/lib/roles/roles");
  const { completeSetup, setupInputSchema } = await import("@/lib/setup/setup");
  const { createAccessToken } = await import("@/lib/tokens/personal-tokens");
  const { updateUser } = await import("@/lib/users/lifecycle");
  const { createUser, META, startSession } = await import("@/test/factories");
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  const owner = await startSession({ id: setup.user_id, accountId: setup.account_id });
  // The longest path: a custom role through a group, and a scoped token.
  const role = await createRole(owner, { name: "Helpdesk", description: "", permissions: ["users:read", "users:block", "users:unlock"] }, META);
  const group = await createGroup(owner, { name: "Support" }, META);
  await setGroupRoles(owner, group.id, { role_ids: [role.id] }, META);
  const hana = await createUser(setup.account_id, { role: "user" });
  await updateUser(owner, hana.id, { auto_groups: [group.id] }, META);
  helpdesk = await startSession(hana);
  token = (await createAccessToken(helpdesk, hana.id, { name: "desk", expires_in: 30, permissions: ["users:read", "users:unlock"] }, META)).plain;
  for (let i = 0; i < 30; i++) victimId = (await createUser(setup.account_id, { role: "user" })).id;
});

describe("permission resolution per request", () => {
  it("happens once for an API read, however many users are checked and shaped (GET /api/users?limit=25)", async () => {
    const { GET } = await import("@/app/api/users/route");
    const n = await resolutionsOf(helpdesk.userId, async () => {
      const res = await GET(new Request("http://localhost/api/users?limit=25", { headers: { authorization: `Bearer ${token}` } }), undefined);
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveLength(25);
    });
    expect(n).toBe(1);
  });

  it("happens once more, under the write lock, for an API write", async () => {
    const { POST } = await import("@/app/api/users/[id]/unlock/route");
    const n = await resolutionsOf(helpdesk.userId, async () => {
      const res = await POST(new Request(`http://localhost/api/users/${victimId}/unlock`, { method: "POST", headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ id: victimId }),
      });
      expect(res.status).toBe(200);
    });
    expect(n).toBe(2);
  });

  it("is the same for server actions: once to read, once more to write", async () => {
    const { findPeopleAction, unlockUserAction } = { ...(await import("@/app/(dashboard)/team/groups/actions")), ...(await import("@/app/(dashboard)/team/users/actions")) };
    seen.sid = helpdesk.sessionId;
    try {
      expect(await resolutionsOf(helpdesk.userId, () => findPeopleAction("no-group", "Test"))).toBe(1);
      expect(await resolutionsOf(helpdesk.userId, () => unlockUserAction(victimId, { status: "idle" }))).toBe(2);
    } finally {
      seen.sid = null;
    }
  });
});
