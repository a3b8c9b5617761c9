/**
 * Review 19 (a member's journey): an invite sent by a script with the admin's access token arrived as
 * 'Olive Owner (token "setup") invited you to join the team', the activity log's way of naming a token,
 * while the invite page the link opens says "Olive Owner invited you". The invitee knows the person, not
 * their tokens: the mail names the inviter as the page does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { createUser, META, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { createInvite } from "./invites";
import { createInviteSchema } from "./schemas";

let smtp: TestSmtp;
let accountId: string;
let admin: TestUser;

beforeAll(async () => {
  ({ smtp, accountId } = await startMailInstance());
  admin = await createUser(accountId, { role: "admin", name: "Ada Admin" });
}, 60_000);
afterAll(() => smtp.stop());

describe("an invite mail sent with an access token", { timeout: 60_000 }, () => {
  it("names the person who invited, not their token", async () => {
    const { plain } = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: admin.id, name: "onboarding-script", expiresInDays: 1, createdBy: admin.id }));
    const token = (await authenticateAccessToken(plain))!;
    await createInvite(token, createInviteSchema.parse({ email: "ivy.invited@example.net", name: "Ivy", role: "user", send_email: true }), META);
    const mail = await smtp.waitFor(sentTo("ivy.invited@example.net"));
    expect(mail.text).toContain("Ada Admin invited you to join the team");
    expect(mail.text).not.toContain("onboarding-script");
    expect(mail.html).not.toContain("onboarding-script");
  });
});
