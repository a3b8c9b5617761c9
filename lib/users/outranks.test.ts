/**
 * "Nobody acts on someone who holds more than they do" (lib/auth/escalation.ts assertOutranks) holds for
 * every action on another person's access, not only the password reset, session revocation, edit and
 * delete. Found by the round-12 review:
 * 1. lib/mfa/admin.ts resetTwoFactor: a custom "Helpdesk" role holding users:reset_two_factor stripped an
 *    admin's authenticator, passkeys and recovery codes. With two-factor enforced, whoever next signed in
 *    with the admin's password enrolled their own factor.
 * 2. lib/sessions/revoke.ts endSession: a users:revoke_sessions holder ended an admin's sessions one by
 *    one (ending all of them was refused for the same pair).
 * The fix also covers the reset link an admin creates or sends and approving or rejecting a person
 * waiting for approval (the same rule, one function).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { resetTwoFactor } from "@/lib/mfa/admin";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { endSession } from "@/lib/sessions/revoke";
import { publicSessionId, resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { revokeUserSessions } from "./access-control";
import { createPasswordResetLink } from "./password-reset";

let accountId: string;
let owner: SessionActor;
let helpdesk: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  const role = await createRole(
    owner,
    roleInputSchema.parse({ name: "Helpdesk", description: "", permissions: ["users:read", "users:reset_two_factor", "users:revoke_sessions", "users:unlock", "users:reset_password"] }),
    META,
  );
  const person = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, person.id, { role_ids: [role.id] }, META);
  helpdesk = await startSession(person);
});

describe("helpdesk permissions used on someone who holds more", () => {
  it("resetting an admin's two-factor is refused to someone holding less than the admin", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    const adminSession = await startSession(admin);
    await expect(resetTwoFactor(helpdesk, admin.id, META)).rejects.toBeInstanceOf(Forbidden);
    expect(await resolveSession(adminSession.sessionId)).not.toBeNull();
  });

  it("ending one of an admin's sessions is refused as ending all of them is", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    const adminSession = await startSession(admin);
    await expect(revokeUserSessions(helpdesk, admin.id, {}, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(endSession(helpdesk, admin.id, publicSessionId(adminSession.sessionId), META)).rejects.toBeInstanceOf(Forbidden);
    expect(await resolveSession(adminSession.sessionId)).not.toBeNull();
  });

  it("a reset link for an admin's password is refused to someone holding less than the admin", async () => {
    const admin = await createUser(accountId, { role: "admin", password: "the admin's own passphrase 12" });
    await expect(createPasswordResetLink(helpdesk, admin.id, META)).rejects.toBeInstanceOf(Forbidden);
    // For someone holding no more than the helpdesk, the same link is theirs to give.
    const person = await createUser(accountId, { role: "user", password: "a person's own passphrase 12" });
    await expect(createPasswordResetLink(helpdesk, person.id, META)).resolves.toMatchObject({ token: expect.stringMatching(/^lkr_/) });
  });
});
