/**
 * The privileged rule of external sign-in (lib/auth/privileged.ts, lib/idp/external-sign-in.ts), beyond
 * review 6's own tests: what counts is everything a person holds (custom roles too, reads excepted);
 * the pre-created branch obeys it; a privileged invite waits for its link (kept, and the refusal
 * on record), while an invite for a member is still accepted by email; a directory's group mapping
 * is recorded with the permissions it gave or took.
 */
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { isPrivileged } from "@/lib/auth/privileged";
import { db } from "@/lib/db/database";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { activityEvents, invites } from "@/lib/db/schema";
import { createGroup } from "@/lib/groups/groups";
import { lookupInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createAccount, createUser, lastEvent, META, openWayIn, startSession, updateUserRow, userRow } from "@/test/factories";
import { ExternalSignInRefused, signInExternal, type ExternalPolicy } from "./external-sign-in";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

const linking: ExternalPolicy = {
  method: "oidc",
  sourceName: "Linking IdP",
  signup: "existing",
  allowedDomains: [],
  allowLinking: true,
  matchByEmail: false,
  defaultRole: "user",
  defaultGroups: [],
};

async function outcome(fn: () => Promise<{ userId: string }>): Promise<string> {
  try {
    return (await fn()).userId;
  } catch (err) {
    if (err instanceof ExternalSignInRefused) return err.reason;
    throw err;
  }
}

describe("what counts as privileged", () => {
  it("is any permission beyond a user's and an auditor's", () => {
    expect(isPrivileged([])).toBe(false);
    expect(isPrivileged(["users:read", "events:read", "settings:read"])).toBe(false);
    expect(isPrivileged(["users:read", "groups:update"])).toBe(true);
  });

  it("a custom role that only reads still links; one that changes something doesn't", async () => {
    const reader = await createRole(owner, roleInputSchema.parse({ name: "Reader", description: "", permissions: ["users:read", "events:read"] }), META);
    const editor = await createRole(owner, roleInputSchema.parse({ name: "Group editor", description: "", permissions: ["groups:read", "groups:update"] }), META);
    const reading = await createUser(accountId, { email: "reading@example.com" });
    await setUserRoles(owner, reading.id, { role_ids: [reader.id] }, META);
    const editing = await createUser(accountId, { email: "editing@example.com" });
    await setUserRoles(owner, editing.id, { role_ids: [editor.id] }, META);
    await openWayIn(accountId, "oidc", "idp-custom");
    const who = (email: string) => ({ idpId: "idp-custom", subject: email, email, emailVerified: true, name: null });
    expect(await outcome(() => signInExternal(accountId, who(reading.email), linking, META))).toBe(reading.id);
    expect(await outcome(() => signInExternal(accountId, who(editing.email), linking, META))).toBe("privileged_account");
    expect(openIdpSubject((await userRow(editing.id))!)).toBe(null);
  });

  it("a user set up ahead of time for the source, admin by an extra role, isn't claimed by email", async () => {
    const waiting = await createUser(accountId, { email: "waiting-extra@example.com", role: "user" });
    await updateUserRow(waiting.id, { idpId: "ldap-pre", idpSubjectCiphertext: null, idpSubjectIndex: null });
    await setUserRoles(owner, waiting.id, { role_ids: ["admin"] }, META);
    const directory: ExternalPolicy = { ...linking, method: "ldap", sourceName: "Corp Directory", allowLinking: false };
    await openWayIn(accountId, "ldap", "ldap-pre");
    const who = { idpId: "ldap-pre", subject: "waiting", email: waiting.email, emailVerified: true, name: null };
    expect(await outcome(() => signInExternal(accountId, who, directory, META))).toBe("privileged_account");
    expect(openIdpSubject((await userRow(waiting.id))!)).toBe(null);
  });
});

describe("invites accepted by an email match", () => {
  const directory: ExternalPolicy = { ...linking, method: "ldap", sourceName: "Corp Directory", allowLinking: false };
  beforeAll(() => openWayIn(accountId, "ldap", "ldap-inv"));

  it("an invite whose group grants admin waits for its link: kept, usable, and the refusal on record", async () => {
    const admins = await createGroup(owner, { name: "Invite admins" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    const email = "group-invitee@example.com";
    const { token } = await createInvite(owner, createInviteSchema.parse({ email, name: "Invitee", role: "user", auto_groups: [admins.id], expires_in: 86_400 }), META);
    const who = { idpId: "ldap-inv", subject: "mallory", email, emailVerified: true, name: "Mallory" };
    expect(await outcome(() => signInExternal(accountId, who, { ...directory, signup: "open" }, META))).toBe("privileged_invite");
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: expect.objectContaining({ reason: "privileged_invite" }) });
    await expect(lookupInvite(token, META)).resolves.toMatchObject({ email });
  });

  it("an invite for a member is still accepted by email", async () => {
    const email = "member-invitee@example.com";
    await createInvite(owner, createInviteSchema.parse({ email, name: "Member", role: "user", expires_in: 86_400 }), META);
    const signed = await signInExternal(accountId, { idpId: "ldap-inv", subject: "member", email, emailVerified: true, name: null }, directory, META);
    expect(await userRow(signed.userId)).toMatchObject({ role: "user" });
    expect(await db().select().from(invites).where(and(eq(invites.accountId, accountId)))).not.toContainEqual(expect.objectContaining({ name: "Member" }));
  });
});

describe("a directory's group mapping", () => {
  it("is recorded by the source with the permissions it gave and took", async () => {
    const admins = await createGroup(owner, { name: "Mapped admins" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    const policy = (member: string[]): ExternalPolicy => ({
      ...linking,
      method: "ldap",
      sourceName: "Corp Directory",
      signup: "open",
      allowLinking: false,
      syncGroups: { managed: [admins.id], member },
    });
    await openWayIn(accountId, "ldap", "ldap-map");
    const who = { idpId: "ldap-map", subject: "erin", email: "erin@example.com", emailVerified: true, name: "Erin", username: "erin" };
    const { userId } = await signInExternal(accountId, who, policy([]), META);
    const updates = async () =>
      (await db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, "user.updated"), eq(activityEvents.targetId, userId))).orderBy(activityEvents.seq));
    expect(await updates()).toHaveLength(0);

    await signInExternal(accountId, who, policy([admins.id]), META);
    await signInExternal(accountId, who, policy([admins.id]), META); // no change: nothing recorded
    await signInExternal(accountId, who, policy([]), META);
    const [joined, left, ...rest] = await updates();
    expect(rest).toEqual([]);
    expect(joined).toMatchObject({ actorType: "system", actorId: null });
    expect(joined.details).toMatchObject({ changed: ["auto_groups"], auto_groups: { from: [], to: [admins.id] }, via: "group_mapping", method: "ldap", provider: "Corp Directory" });
    expect(joined.details).toMatchObject({ permissions: { from: [], to: expect.arrayContaining(["users:update", "roles:update"]) } });
    expect(left.details).toMatchObject({ auto_groups: { from: [admins.id], to: [] }, permissions: { to: [] } });
  });
});
