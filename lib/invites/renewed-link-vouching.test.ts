/**
 * Review 13: whoever renews an invite's link is handed the new link, so from then on the invite is theirs.
 * Before, renewing kept the first inviter: a recruiter (invites:create, not users:create) renewed an invite
 * an admin had made for cfo@example.com, got the link in the answer, accepted it with a password of their
 * own, and the account's address counted as proven (`email_verified: true` to apps), because the vouching
 * (lib/invites/inviter-rule.ts inviterVouchesForEmail) was judged on the admin who never saw the new link.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { listEvents } from "@/lib/audit/events";
import { eventFiltersSchema } from "@/lib/audit/event-filters";
import { claimsOf } from "@/lib/oidc/accounts";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { sendMailThrough } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { acceptInvite } from "./acceptance";
import { bulkUpdateInvites } from "./bulk";
import { createInvite, listInvites, regenerateInvite, resendInvite } from "./invites";
import { createInviteSchema } from "./schemas";

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let recruiter: SessionActor;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  const ownerUser = await createUser(accountId, { role: "owner" });
  await sendMailThrough(smtp, ownerUser);
  owner = await startSession(ownerUser);
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  const recruiterRole = await createRole(owner, roleInputSchema.parse({ name: "Recruiter", description: "", permissions: ["invites:read", "invites:create"] }), META);
  const rita = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, rita.id, { role_ids: [recruiterRole.id] }, META);
  recruiter = await startSession(rita);
}, 60_000);
afterAll(() => smtp.stop());

async function adminInvite(email: string) {
  return (await createInvite(admin, createInviteSchema.parse({ email, name: "Someone", role: "user", expires_in: 86_400 }), META)).invite;
}

async function verifiedAfterAccepting(token: string): Promise<unknown> {
  const created = await acceptInvite(token, "the recruiter's own passphrase 71", META);
  return (await claimsOf((await userRow(created.userId))!, "openid email")).email_verified;
}

describe("a renewed link is the renewer's", { timeout: 60_000 }, () => {
  it("an admin's invite renewed by a recruiter doesn't prove the address when the recruiter accepts it", async () => {
    const invite = await adminInvite("cfo@example.com");
    const { token } = await regenerateInvite(recruiter, invite.id, 86_400, META);
    expect(await verifiedAfterAccepting(token), "what apps are told about an address only the recruiter's link reached").toBe(false);
  });

  it("nor through the bulk Regenerate, which hands the links back as well", async () => {
    const invite = await adminInvite("cto@example.com");
    const [result] = await bulkUpdateInvites(recruiter, { action: "regenerate", invite_ids: [invite.id], expires_in: 86_400 }, META);
    expect(result.ok).toBe(true);
    expect(await verifiedAfterAccepting((result as { token: string }).token)).toBe(false);
  });

  it("the list and the activity log say who renewed it; an admin renewing still vouches", async () => {
    const invite = await adminInvite("ceo@example.com");
    await regenerateInvite(recruiter, invite.id, 86_400, META);
    const listed = (await listInvites(admin)).items.find((i) => i.id === invite.id)!;
    expect(listed.createdBy).toBe(recruiter.userId);
    const filters = eventFiltersSchema.parse({ action: "invite.regenerated", target: invite.id });
    const [event] = (await listEvents(owner, filters)).events;
    expect(event.details).toMatchObject({ invited_by: { from: admin.userId, to: recruiter.userId } });
    const { token } = await regenerateInvite(admin, invite.id, 86_400, META);
    expect(await verifiedAfterAccepting(token)).toBe(true);
  });

  it("Resend mails the link to the invitee only, so the invite stays its inviter's", async () => {
    const invite = await adminInvite("coo@example.com");
    const resent = await resendInvite(recruiter, invite.id, 86_400, META);
    expect(resent.emailQueued).toBe(true);
    expect((await listInvites(admin)).items.find((i) => i.id === invite.id)!.createdBy).toBe(admin.userId);
  });
});
