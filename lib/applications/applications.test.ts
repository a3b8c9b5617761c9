import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { settingsTabs } from "@/lib/auth/navigation";
import { can } from "@/lib/auth/policy";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { react } from "@/lib/data/effects";
import { SetEdit } from "@/lib/data/patch";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, applications, groups, roles } from "@/lib/db/schema";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { createGroup, deleteGroup } from "@/lib/groups/groups";
import { setUserGroups } from "@/lib/groups/membership";
import { setUserRoles } from "@/lib/roles/assignments";
import { listRoles } from "@/lib/roles/queries";
import { createRole } from "@/lib/roles/roles";
import { resolveSession } from "@/lib/sessions/sessions";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createApplication, deleteApplication, rotateApplicationSecret, updateApplication } from "./applications";
import { clientSecretMatches, findApplicationByClientId, userMayUseApplication } from "./for-provider";
import { accessOf } from "./records";
import { getApplication, listApplications, recentSignIns } from "./queries";
import { createApplicationSchema, redirectUriProblem, SECRET_ROTATED_MEANWHILE, type CreateApplicationInput } from "./schemas";

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let auditor: SessionActor;
let member: SessionActor;
let memberName: string;
let stranger: SessionActor;

/** Every application.access_changed emitted, in order (the provider's reaction stands in here). */
const accessChanges: Array<{ applicationId: string; change: string }> = [];
react("application.access_changed", "applications-test-recorder", async (_tx, { applicationId, change }) => {
  accessChanges.push({ applicationId, change });
});

const web = (overrides: Partial<CreateApplicationInput> = {}): CreateApplicationInput =>
  createApplicationSchema.parse({ name: "Grafana", type: "web", redirect_uris: ["https://grafana.example.com/login/generic_oauth"], ...overrides });

async function eventsOf(id: string) {
  return db().select().from(activityEvents).where(eq(activityEvents.targetId, id));
}

beforeAll(async () => {
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  accountId = setup.account_id;
  owner = await startSession({ id: setup.user_id, accountId });
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  auditor = await startSession(await createUser(accountId, { role: "auditor" }));
  const m = await createUser(accountId, { role: "user" });
  memberName = m.name;
  member = await startSession(m);
  stranger = await startSession(await createUser(await createAccount(), { role: "owner" }));
});

describe("redirect URI rules", () => {
  it.each([
    ["https://app.example.com/callback", null],
    ["http://127.0.0.1:8085/callback", null],
    ["http://localhost/cb", null],
    ["http://[::1]:9000/cb", null],
    ["http://app.example.com/callback", "must use https://"],
    ["https://app.example.com/cb#frag", "fragment"],
    ["https://*.example.com/cb", "wildcard"],
    ["/callback", "absolute"],
    ["https://user:pw@app.example.com/cb", "username or password"],
    ["javascript:alert(1)", "must use https://"],
    ["https://app.example.com/ cb", "space"],
  ])("%s", (uri, problem) => {
    const found = redirectUriProblem(uri);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("requires a redirect URI except for device apps, and refuses duplicates", () => {
    expect(createApplicationSchema.safeParse({ name: "SPA", type: "spa" }).success).toBe(false);
    expect(createApplicationSchema.safeParse({ name: "CLI", type: "device" }).success).toBe(true);
    expect(createApplicationSchema.safeParse({ name: "W", type: "web", redirect_uris: ["https://a.example/cb", "https://a.example/cb"] }).success).toBe(false);
    expect(createApplicationSchema.safeParse({ name: "", type: "web", redirect_uris: ["https://a.example/cb"] }).success).toBe(false);
    expect(createApplicationSchema.safeParse({ name: "x".repeat(101), type: "web", redirect_uris: ["https://a.example/cb"] }).success).toBe(false);
  });
});

describe("createApplication", () => {
  it("gives a web app a secret shown once and stored only as its digest, and records application.created without it", async () => {
    const { application, clientSecret } = await createApplication(owner, web(), META);
    expect(clientSecret).toMatch(/^lks_[0-9A-Za-z]{36}$/);
    expect(application.clientId).toMatch(/^lka_[0-9A-Za-z]{24}$/);
    expect(application).toMatchObject({ type: "web", hasClientSecret: true, accessTokenTtlSeconds: 600, refreshTokenTtlSeconds: 2592000, requireConsent: false });
    const [row] = await db().select().from(applications).where(eq(applications.id, application.id));
    expect(row.clientSecretDigest).toBe(digestToken(clientSecret!));
    expect(JSON.stringify(row)).not.toContain(clientSecret!);
    const provided = await findApplicationByClientId(application.clientId);
    expect(clientSecretMatches(provided!, clientSecret!)).toBe(true);
    const [event] = await eventsOf(application.id);
    expect(event.action).toBe("application.created");
    expect(event.actorId).toBe(owner.userId);
    expect(JSON.stringify(event)).not.toContain(clientSecret!);
    expect(JSON.stringify(event)).not.toContain(row.clientSecretDigest!);
  });

  it("gives single-page and device apps no secret", async () => {
    const spa = await createApplication(owner, web({ name: "SPA", type: "spa" }), META);
    expect(spa.clientSecret).toBeNull();
    expect(spa.application.hasClientSecret).toBe(false);
    const cli = await createApplication(owner, createApplicationSchema.parse({ name: "CLI", type: "device" }), META);
    expect(cli.clientSecret).toBeNull();
    expect(cli.application.redirectUris).toEqual([]);
  });

  it("accepts only groups of the caller's account", async () => {
    const ops = await createGroup(owner, { name: "Ops" }, META);
    const elsewhere = await createGroup(stranger, { name: "Theirs" }, META);
    const made = await createApplication(owner, web({ name: "Ops app", allowed_groups: [ops.id] }), META);
    expect(made.application.allowedGroups).toEqual([{ id: ops.id, name: "Ops" }]);
    await expect(createApplication(owner, web({ allowed_groups: [elsewhere.id] }), META)).rejects.toMatchObject({ fieldErrors: { allowed_groups: [expect.stringContaining("Unknown group")] } });
  });

  it("is the owner's alone: admins, auditors and members are refused, and no custom role can hold it", async () => {
    // Whoever registers an app (or changes where its sign-ins go) receives ID tokens of anyone who signs in there.
    await expect(createApplication(admin, web(), META)).rejects.toBeInstanceOf(Forbidden);
    await expect(createApplication(auditor, web(), META)).rejects.toBeInstanceOf(Forbidden);
    await expect(createApplication(member, web(), META)).rejects.toBeInstanceOf(Forbidden);
    await expect(createRole(owner, { name: "App keeper", description: "", permissions: ["applications:read", "applications:create"] }, META)).rejects.toBeInstanceOf(Invalid);
  });

  it("a custom role stored with applications:create or :update (from before they were the owner's) grants neither", async () => {
    const role = await createRole(owner, { name: "Old app keeper", description: "", permissions: ["applications:read", "applications:delete"] }, META);
    await writeSystem((tx) =>
      tx
        .update(roles)
        .set({ permissions: JSON.stringify(["applications:read", "applications:create", "applications:update", "applications:delete"]) })
        .where(eq(roles.id, role.id)),
    );
    const keeper = await createUser(accountId, { role: "user" });
    const session = await startSession(keeper);
    await setUserRoles(owner, keeper.id, { role_ids: [role.id] }, META);
    const now = (await resolveSession(session.sessionId))!;
    expect(can(now, "applications:read")).toBe(true);
    expect(can(now, "applications:create")).toBe(false);
    expect(can(now, "applications:update")).toBe(false);
    await expect(createApplication(now, web({ name: "Keeper's" }), META)).rejects.toBeInstanceOf(Forbidden);
    const { application } = await createApplication(owner, web({ name: "Owner's" }), META);
    await expect(updateApplication(now, application.id, { redirect_uris: ["https://evil.example/cb"] }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(rotateApplicationSecret(now, application.id, META)).rejects.toBeInstanceOf(Forbidden);
    // Shown as it grants: the role's record lists only what it can grant.
    expect((await listRoles(owner)).find((r) => r.id === role.id)?.permissions).toEqual(["applications:read", "applications:delete"]);
    await deleteApplication(now, application.id, META);
  });
});

describe("updateApplication", () => {
  it("changes only what was given, records what changed, and emits access_changed when groups change", async () => {
    const ops = await createGroup(owner, { name: "Ops 2" }, META);
    const { application } = await createApplication(owner, web({ name: "Gitea" }), META);
    accessChanges.length = 0;
    const same = await updateApplication(owner, application.id, { name: "Gitea", redirect_uris: application.redirectUris }, META);
    expect(same.updatedAt).toEqual(application.updatedAt);
    expect((await eventsOf(application.id)).map((e) => e.action)).toEqual(["application.created"]);

    const after = await updateApplication(owner, application.id, { name: "Gitea 2", allowed_groups: [ops.id] }, META);
    expect(after.name).toBe("Gitea 2");
    expect(after.allowedGroups).toEqual([{ id: ops.id, name: "Ops 2" }]);
    const updated = (await eventsOf(application.id)).find((e) => e.action === "application.updated")!;
    expect(updated.details).toMatchObject({ changed: ["name", "access", "allowed_groups"], access: { from: "everyone", to: "groups" }, allowed_groups: { from: [], to: [ops.id] } });
    expect(accessChanges).toEqual([{ applicationId: application.id, change: "groups_changed" }]);
  });

  it("ends every grant of the app when its redirect URIs or its consent change (also along with its groups), not on other changes", async () => {
    const ops = await createGroup(owner, { name: "Ops 3" }, META);
    const { application } = await createApplication(owner, web({ name: "NetBird" }), META);
    accessChanges.length = 0;
    await updateApplication(owner, application.id, { access_token_ttl_seconds: 900, post_logout_redirect_uris: ["https://grafana.example.com/"] }, META);
    expect(accessChanges).toEqual([]);
    const after = await updateApplication(owner, application.id, { redirect_uris: [...application.redirectUris, "https://elsewhere.example/cb"], allowed_groups: [ops.id] }, META);
    expect(after.redirectUris).toEqual([...application.redirectUris, "https://elsewhere.example/cb"]);
    await updateApplication(owner, application.id, { require_consent: !application.requireConsent }, META);
    expect(accessChanges).toEqual([
      { applicationId: application.id, change: "sign_in_changed" },
      { applicationId: application.id, change: "sign_in_changed" },
    ]);
  });

  it("refuses a type change, an empty redirect list for a web app, and another account's id (404)", async () => {
    const { application } = await createApplication(owner, web({ name: "Fixed" }), META);
    await expect(updateApplication(owner, application.id, { type: "spa" }, META)).rejects.toBeInstanceOf(Invalid);
    await expect(updateApplication(owner, application.id, { redirect_uris: [] }, META)).rejects.toMatchObject({ fieldErrors: { redirect_uris: [expect.any(String)] } });
    await expect(updateApplication(stranger, application.id, { name: "Mine now" }, META)).rejects.toBeInstanceOf(NotFound);
    await expect(getApplication(stranger, application.id)).rejects.toBeInstanceOf(NotFound);
    await expect(updateApplication(auditor, application.id, { name: "Nope" }, META)).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("who may sign in (access)", () => {
  it("is written on create: everyone, members of the groups, or nobody", async () => {
    const ops = await createGroup(owner, { name: "Access create" }, META);
    const open = await createApplication(owner, web({ name: "Open", access: "everyone" }), META);
    const limited = await createApplication(owner, web({ name: "Limited", access: "groups", allowed_groups: [ops.id] }), META);
    const closed = await createApplication(owner, web({ name: "Closed", access: "nobody" }), META);
    expect([open, limited, closed].map(({ application: a }) => [accessOf(a), a.allowedGroups.map((g) => g.id)])).toEqual([
      ["everyone", []],
      ["groups", [ops.id]],
      ["nobody", []],
    ]);
    const [created] = await eventsOf(closed.application.id);
    expect(created.details).toMatchObject({ access: "nobody", allowed_groups: [] });
    await expect(createApplication(owner, web({ name: "None ticked", access: "groups" }), META)).rejects.toMatchObject({ fieldErrors: { allowed_groups: ["Tick at least one group, or choose Everyone"] } });
  });

  it("everyone on an app limited to groups opens it and clears its groups, recorded, the provider told as for any group change", async () => {
    const ops = await createGroup(owner, { name: "Access everyone" }, META);
    const { application } = await createApplication(owner, web({ name: "Opening", allowed_groups: [ops.id] }), META);
    const member = await createUser(accountId);
    accessChanges.length = 0;
    const after = await updateApplication(owner, application.id, { access: "everyone" }, META);
    expect([accessOf(after), after.allowedGroups, after.restrictedToGroups]).toEqual(["everyone", [], false]);
    const updated = (await eventsOf(application.id)).find((e) => e.action === "application.updated")!;
    expect(updated.details).toEqual({ changed: ["access", "allowed_groups"], access: { from: "groups", to: "everyone" }, allowed_groups: { from: [ops.id], to: [] } });
    // The provider re-checks each grant at the app, as after any change of its groups (lib/oidc/reactions.ts).
    expect(accessChanges).toEqual([{ applicationId: application.id, change: "groups_changed" }]);
    expect(await userMayUseApplication((await findApplicationByClientId(application.clientId))!, member.id)).toBe(true);
  });

  it("nobody closes the app and clears its groups; its members may no longer sign in", async () => {
    const ops = await createGroup(owner, { name: "Access nobody" }, META);
    const member = await createUser(accountId);
    await writeSystem((tx) => setUserGroups(tx, accountId, member.id, [ops.id]));
    const { application } = await createApplication(owner, web({ name: "Closing", allowed_groups: [ops.id] }), META);
    const app = (await findApplicationByClientId(application.clientId))!;
    expect(await userMayUseApplication(app, member.id)).toBe(true);
    accessChanges.length = 0;
    const after = await updateApplication(owner, application.id, { access: "nobody" }, META);
    expect([accessOf(after), after.allowedGroups, after.restrictedToGroups]).toEqual(["nobody", [], true]);
    expect(accessChanges).toEqual([{ applicationId: application.id, change: "groups_changed" }]);
    expect(await userMayUseApplication(app, member.id)).toBe(false);
  });

  it("groups with none left is refused, nothing changed, unless that is what is stored (a nobody app saved as it is)", async () => {
    const ops = await createGroup(owner, { name: "Access none" }, META);
    const { application } = await createApplication(owner, web({ name: "Unticked", allowed_groups: [ops.id] }), META);
    for (const groups of [[], new SetEdit([], [ops.id])]) {
      await expect(updateApplication(owner, application.id, { name: "Renamed", access: "groups", allowed_groups: groups }, META)).rejects.toMatchObject({
        fieldErrors: { allowed_groups: ["Tick at least one group, or choose Everyone"] },
      });
    }
    expect(await getApplication(owner, application.id)).toEqual(application);
    await deleteGroup(owner, ops.id, META);
    const closed = await getApplication(owner, application.id);
    accessChanges.length = 0;
    for (const groups of [[], new SetEdit([], [])]) expect(await updateApplication(owner, application.id, { access: "groups", allowed_groups: groups }, META)).toEqual(closed);
    expect((await eventsOf(application.id)).map((e) => e.action)).toEqual(["application.created"]);
    expect(accessChanges).toEqual([]);
  });
});

describe("allowed groups within their limit", () => {
  // Review 10: the dashboard sends the groups as an edit of the stored set (ticked and unticked), which no schema
  // saw, so a crafted form gave an app any number of allowed groups where the API refuses more than 100.
  it("refuses an edit that leaves more than 100 groups, as it refuses a list of 101", async () => {
    const ids = Array.from({ length: 101 }, () => crypto.randomUUID());
    await writeSystem(async (tx) => {
      await tx.insert(groups).values(ids.map((id, i) => ({ id, accountId, name: `Allowed ${i}` })));
    });
    const { application } = await createApplication(owner, web({ name: "Many groups", allowed_groups: ids.slice(0, 100) }), META);
    const refusal = await updateApplication(owner, application.id, { allowed_groups: new SetEdit([ids[100]], []) }, META).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(Invalid);
    expect((refusal as Invalid).fieldErrors.allowed_groups).toEqual(["At most 100 groups"]);
    expect((await getApplication(owner, application.id)).allowedGroups).toHaveLength(100);
    // Taking one out and putting another in stays within it.
    const swapped = await updateApplication(owner, application.id, { allowed_groups: new SetEdit([ids[100]], [ids[0]]) }, META);
    expect(swapped.allowedGroups.map((g) => g.id).sort()).toEqual(ids.slice(1).sort());
  });
});

describe("rotateApplicationSecret", () => {
  it("replaces the secret: the old one stops matching, the new one matches, and access_changed is emitted", async () => {
    const { application, clientSecret } = await createApplication(owner, web({ name: "Rotating" }), META);
    accessChanges.length = 0;
    const rotated = await rotateApplicationSecret(owner, application.id, META);
    expect(rotated.clientSecret).not.toBe(clientSecret);
    const provided = await findApplicationByClientId(application.clientId);
    expect(clientSecretMatches(provided!, clientSecret!)).toBe(false);
    expect(clientSecretMatches(provided!, rotated.clientSecret!)).toBe(true);
    const event = (await eventsOf(application.id)).find((e) => e.action === "application.secret_rotated")!;
    expect(JSON.stringify(event)).not.toContain(rotated.clientSecret!);
    expect(accessChanges).toEqual([{ applicationId: application.id, change: "secret_rotated" }]);
  });

  it("pressed twice at once naming the secret it replaces: one new secret, and it is the one that works", async () => {
    const { application } = await createApplication(owner, web({ name: "Twice at once" }), META);
    const replaces = application.clientSecretId!;
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => rotateApplicationSecret(owner, application.id, META, { replaces })));
    const rotated = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(rotated).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const err of refused) {
      expect(err).toBeInstanceOf(Conflict);
      expect((err as Conflict).message).toBe(SECRET_ROTATED_MEANWHILE);
    }
    const provided = await findApplicationByClientId(application.clientId);
    expect(clientSecretMatches(provided!, rotated[0].clientSecret!)).toBe(true);
    expect(rotated[0].application.clientSecretId).not.toBe(replaces);
    expect((await eventsOf(application.id)).filter((e) => e.action === "application.secret_rotated")).toHaveLength(1);
    // The secret's id from now on rotates again; without `replaces` a rotation is not checked (scripts written before it).
    await rotateApplicationSecret(owner, application.id, META, { replaces: rotated[0].application.clientSecretId! });
    await rotateApplicationSecret(owner, application.id, META);
  });

  it("refuses apps without a secret", async () => {
    const { application } = await createApplication(owner, web({ name: "Public", type: "spa" }), META);
    await expect(rotateApplicationSecret(owner, application.id, META)).rejects.toBeInstanceOf(Conflict);
  });
});

describe("deleteApplication and group deletion", () => {
  it("deletes the app and its links, records it, and emits access_changed", async () => {
    const { application } = await createApplication(owner, web({ name: "Doomed" }), META);
    accessChanges.length = 0;
    await expect(deleteApplication(stranger, application.id, META)).rejects.toBeInstanceOf(NotFound);
    await deleteApplication(owner, application.id, META);
    expect(await findApplicationByClientId(application.clientId)).toBeNull();
    expect((await eventsOf(application.id)).map((e) => e.action)).toContain("application.deleted");
    expect(accessChanges).toEqual([{ applicationId: application.id, change: "deleted" }]);
  });

  it("keeps an app limited to a deleted group closed to everyone, and tells the provider", async () => {
    const only = await createGroup(owner, { name: "Only group" }, META);
    const person = await createUser(accountId);
    const { application } = await createApplication(owner, web({ name: "Closed", allowed_groups: [only.id] }), META);
    accessChanges.length = 0;
    await deleteGroup(owner, only.id, META);
    const after = await getApplication(owner, application.id);
    expect(after.allowedGroups).toEqual([]);
    expect(after.restrictedToGroups).toBe(true);
    expect(await userMayUseApplication((await findApplicationByClientId(application.clientId))!, person.id)).toBe(false);
    expect(accessChanges).toContainEqual({ applicationId: application.id, change: "groups_changed" });
    // Opening it to everyone again is an explicit choice: the empty list it answers, sent back, changes nothing.
    await updateApplication(owner, application.id, { allowed_groups: [] }, META);
    expect(await userMayUseApplication((await findApplicationByClientId(application.clientId))!, person.id)).toBe(false);
    await updateApplication(owner, application.id, { access: "everyone" }, META);
    expect(await userMayUseApplication((await findApplicationByClientId(application.clientId))!, person.id)).toBe(true);
  });
});

describe("reading", () => {
  it("offers Settings → Applications to those who may read applications only", () => {
    expect(settingsTabs(owner).map((t) => t.href)).toContain("/settings/applications");
    expect(settingsTabs(auditor).map((t) => t.href)).toContain("/settings/applications");
    expect(settingsTabs(member).map((t) => t.href)).not.toContain("/settings/applications");
  });

  it("lists the account's applications for readers only, and shows recent sign-ins from the activity log", async () => {
    const { application } = await createApplication(owner, web({ name: "Listed" }), META);
    const listed = await listApplications(auditor, { offset: 0 });
    expect(listed.items.map((a) => a.id)).toContain(application.id);
    expect((await listApplications(stranger, { offset: 0 })).items.map((a) => a.id)).not.toContain(application.id);
    await expect(listApplications(member, { offset: 0 })).rejects.toBeInstanceOf(Forbidden);
    expect(await recentSignIns(owner, application.id)).toEqual([]);
    await writeSystem((tx) =>
      recordEvent(tx, {
        accountId,
        action: "application.sign_in",
        actor: { type: "user", id: member.userId },
        target: { type: "application", id: application.id, label: "Listed" },
        meta: META,
      }),
    );
    const signIns = await recentSignIns(auditor, application.id);
    // The person's current name (the provider records only their id), linked to their page.
    expect(signIns?.map((e) => [e.userId, e.name, e.href])).toEqual([[member.userId, memberName, `/team/users/${member.userId}`]]);
    expect(await recentSignIns(member, application.id).catch((e: unknown) => e)).toBeInstanceOf(Forbidden);
    const [row] = await db().select().from(applications).where(and(eq(applications.accountId, accountId), eq(applications.id, application.id)));
    expect(row.name).toBe("Listed");
  });
});

describe("ID token signing algorithm", () => {
  it("is RS256 unless chosen; ES256 can be chosen and changed; anything else is refused", async () => {
    const { application: plain } = await createApplication(owner, web({ name: "Plain" }), META);
    expect(plain.idTokenSignedResponseAlg).toBe("RS256");
    expect((await findApplicationByClientId(plain.clientId))?.idTokenSignedResponseAlg).toBe("RS256");
    const { application: ec } = await createApplication(owner, web({ name: "Elliptic", id_token_signed_response_alg: "ES256" }), META);
    expect(ec.idTokenSignedResponseAlg).toBe("ES256");
    await expect(createApplication(owner, { ...web(), id_token_signed_response_alg: "HS256" } as never, META)).rejects.toBeInstanceOf(Invalid);
    await expect(updateApplication(owner, ec.id, { id_token_signed_response_alg: "none" } as never, META)).rejects.toBeInstanceOf(Invalid);
    const changed = await updateApplication(owner, ec.id, { id_token_signed_response_alg: "RS256" }, META);
    expect(changed.idTokenSignedResponseAlg).toBe("RS256");
    const updated = (await eventsOf(ec.id)).find((e) => e.action === "application.updated");
    expect(updated?.details).toMatchObject({ changed: ["id_token_signed_response_alg"], id_token_signed_response_alg: { from: "ES256", to: "RS256" } });
  });
});
