/**
 * Review 6, finding 10: users.email_verified_at (what apps are told as email_verified) is set only by
 * the roads that prove an address or are taken by someone who could set it on anyone (lib/users/records.ts
 * sealEmail), and any other change of the address leaves it unproven. One test per road; the invite
 * that a recruiter accepts themselves is lib/oidc/invite-email-verified.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { outboxIdle } from "@/lib/data/outbox";
import { PreconditionFailed } from "@/lib/errors";
import { acceptInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { claimsOf } from "@/lib/oidc/accounts";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount, createUser, lastEvent, META, startSession, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { sendMailThrough, sentTo } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { confirmEmailChange, requestEmailChange, requestEmailConfirmation } from "./email-change";
import { createUser as createUserAsAdmin, updateUser } from "./lifecycle";
import { getUser } from "./queries";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
let ownerActor: SessionActor;
const linkIn = (text: string | undefined) => /\/confirm-email\?token=(lke_[0-9A-Za-z]+)/.exec(text ?? "")?.[1];
const verifiedAt = async (userId: string) => (await userRow(userId))!.emailVerifiedAt;
const told = async (userId: string) => (await claimsOf((await userRow(userId))!, "openid email")).email_verified;

async function roleHolder(name: string, permissions: string[]): Promise<SessionActor> {
  const role = await createRole(ownerActor, roleInputSchema.parse({ name, description: "", permissions }), META);
  const person = await createUser(accountId, { role: "user" });
  await setUserRoles(ownerActor, person.id, { role_ids: [role.id] }, META);
  return startSession(person);
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
  ownerActor = await startSession(owner);
}, 60_000);
afterAll(() => smtp.stop());
beforeEach(async () => {
  await resetRateLimits();
});

describe("which roads prove an email", { timeout: 60_000 }, () => {
  it("an admin creating a person vouches for the address", async () => {
    const { user } = await createUserAsAdmin(ownerActor, { is_service_user: false, email: "made-by-admin@example.com", name: "Made", role: "user", auto_groups: [] }, META);
    expect(user.emailVerified).toBe(true);
    expect(await verifiedAt(user.id)).toBeInstanceOf(Date);
    expect(await told(user.id)).toBe(true);
  });

  it("an invite accepted through its link is proven when the inviter may create people, and not otherwise", async () => {
    const byAdmin = await createInvite(ownerActor, createInviteSchema.parse({ email: "invited-by-admin@example.com", name: "Invited", role: "user", expires_in: 86_400 }), META);
    const vouched = await acceptInvite(byAdmin.token, "a passphrase for the invitee 41", META);
    expect(await told(vouched.userId)).toBe(true);

    // users:create through a custom role counts as the built-in one does (resolved like every permission).
    const hirer = await roleHolder("Hirer", ["users:read", "users:create", "invites:read", "invites:create"]);
    const byHirer = await createInvite(hirer, createInviteSchema.parse({ email: "invited-by-hirer@example.com", name: "Hired", role: "user", expires_in: 86_400 }), META);
    expect(await told((await acceptInvite(byHirer.token, "a passphrase for the hire 52", META)).userId)).toBe(true);

    const recruiter = await roleHolder("Recruiter only", ["invites:read", "invites:create"]);
    const byRecruiter = await createInvite(recruiter, createInviteSchema.parse({ email: "invited-by-recruiter@example.com", name: "Recruited", role: "user", expires_in: 86_400 }), META);
    const unproven = await acceptInvite(byRecruiter.token, "a passphrase for the recruit 63", META);
    expect(await verifiedAt(unproven.userId)).toBeNull();
    expect((await getUser(ownerActor, unproven.userId)).emailVerified).toBe(false);
  });

  it("an admin changing someone's email vouches for it; nobody moves their own here (Profile's change proves it)", async () => {
    const person = await createUser(accountId, { email: "before-admin-edit@example.com", emailVerified: false });
    await updateUser(ownerActor, person.id, { email: "after-admin-edit@example.com" }, META);
    expect(await told(person.id)).toBe(true);

    const editor = await roleHolder("Directory editor", ["users:read", "users:update"]);
    expect(await told(editor.userId)).toBe(true);
    for (const actor of [editor, ownerActor]) {
      await expect(updateUser(actor, actor.userId, { email: "someone-elses-address@example.com" }, META)).rejects.toThrow("Change your own email in Profile");
    }
    expect((await userRow(editor.userId))!.emailIndex).not.toBe(emailBlindIndex("someone-elses-address@example.com"));
    expect(await told(editor.userId)).toBe(true);
  });

  it("someone who may reset passwords marks an address confirmed or not; nobody else vouches, and nothing without an address of its own", async () => {
    const person = await createUser(accountId, { email: "marked-by-admin@example.com", emailVerified: false });
    await updateUser(ownerActor, person.id, { email_verified: true }, META);
    expect(await told(person.id)).toBe(true);
    const event = await lastEvent();
    expect(event.action).toBe("user.updated");
    expect(event.details).toMatchObject({ changed: ["email_verified"], email_verified: { from: false, to: true } });
    await updateUser(ownerActor, person.id, { email_verified: false }, META);
    expect(await told(person.id)).toBe(false);

    // users:update without users:reset_password: no vouching, either way, not for others, not for oneself.
    const editor = await roleHolder("Directory editor 2", ["users:read", "users:update"]);
    await updateUserRow(editor.userId, { emailVerifiedAt: null });
    for (const [target, changes] of [
      [person.id, { email_verified: true }],
      [editor.userId, { email_verified: true }],
    ] as const) {
      await expect(updateUser(editor, target, changes, META)).rejects.toThrow("Marking an email confirmed or not needs permission to reset passwords");
    }
    expect(await told(person.id)).toBe(false);
    expect(await told(editor.userId)).toBe(false);
    // An admin changing an address may say it is not proven yet.
    await updateUser(ownerActor, person.id, { email: "changed-unproven@example.com", email_verified: false }, META);
    expect(await told(person.id)).toBe(false);

    const noEmail = await createUser(accountId, {});
    await updateUserRow(noEmail.id, { emailCiphertext: null, emailIndex: null, emailVerifiedAt: null });
    await expect(updateUser(ownerActor, noEmail.id, { email_verified: true }, META)).rejects.toMatchObject({ fieldErrors: { email_verified: ["There is no email address to confirm"] } });
  });

  it("a confirmed email change proves the new address", async () => {
    await sendMailThrough(smtp, owner);
    const person = await createUser(accountId, { email: "unproven-before-change@example.com", emailVerified: false });
    await requestEmailChange(await startSession(person), { email: "proven-by-change@example.com" }, META);
    await outboxIdle();
    const token = linkIn((await smtp.waitFor(sentTo("proven-by-change@example.com"))).text)!;
    await confirmEmailChange({ token }, META);
    expect(await told(person.id)).toBe(true);
  });

  it("\"Confirm this address\" mails the current address a link that proves it, once, and records it", async () => {
    await sendMailThrough(smtp, owner);
    const person = await createUser(accountId, { email: "confirm-me@example.com", emailVerified: false });
    const actor = await startSession(person);
    const answer = await requestEmailConfirmation(actor, META);
    expect(answer.email).toBe("confirm-me@example.com");
    expect(await told(person.id)).toBe(false);
    await outboxIdle();
    const token = linkIn((await smtp.waitFor(sentTo("confirm-me@example.com"))).text)!;
    expect(await confirmEmailChange({ token }, META)).toEqual({ email: "confirm-me@example.com" });
    expect(await told(person.id)).toBe(true);
    expect((await userRow(person.id))!.emailIndex).toBe(emailBlindIndex("confirm-me@example.com"));
    const event = await lastEvent();
    expect(event.action).toBe("user.email.verified");
    expect(event.targetId).toBe(person.id);
    // Proven now: nothing more to confirm, and the used link is gone.
    await expect(requestEmailConfirmation(actor, META)).rejects.toBeInstanceOf(PreconditionFailed);
    await expect(confirmEmailChange({ token }, META)).rejects.toThrow();
  });

  it("\"Confirm this address\" needs mail, and is refused for someone whose address is already proven", async () => {
    const account = await createAccount();
    const person = await createUser(account, { email: "no-mail-here@example.com", emailVerified: false });
    await expect(requestEmailConfirmation(await startSession(person), META)).rejects.toThrow(/Mail is not set up/);
    const proven = await createUser(account, { email: "already-proven@example.com" });
    await expect(requestEmailConfirmation(await startSession(proven), META)).rejects.toThrow(/already confirmed/);
  });
});
