/**
 * Review 31's leftover: renewing an invite's link (Regenerate, or Resend by email) while the invite mail with
 * the old link was still queued — the mail server down, say — left that mail to go out later with a dead link,
 * after the new one when resent. The renewal drops the invite's unsent mail; sent mail stays in the list.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox, outboxIdle } from "@/lib/data/outbox";
import { db } from "@/lib/db/database";
import { outbox } from "@/lib/db/schema";
import { META, startSession, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { createInvite, regenerateInvite, resendInvite } from "./invites";
import { createInviteSchema } from "./schemas";

let smtp: TestSmtp;
let owner: TestUser;

beforeAll(async () => {
  ({ smtp, owner } = await startMailInstance());
}, 60_000);
afterAll(() => smtp.stop());

const DAY = 86_400;
const inviteMail = async (inviteId: string) => (await outboxIdle(), db().select().from(outbox).where(eq(outbox.inviteId, inviteId)));

describe("an invite's link renewed while its mail waits", { timeout: 60_000 }, () => {
  it("drops the mail with the old link: none after a Regenerate, only the new one after a Resend; sent mail stays", async () => {
    const actor = await startSession(owner);
    await smtp.stop();
    const { invite } = await createInvite(actor, createInviteSchema.parse({ email: "wait.walt@example.net", name: "Walt", role: "user", send_email: true }), META);
    const [waiting] = await inviteMail(invite.id);
    expect(waiting, "the first mail waits for the server").toMatchObject({ status: "pending" });

    await regenerateInvite(actor, invite.id, DAY, META);
    expect(await inviteMail(invite.id), "a Regenerate (the link handed over by hand)").toEqual([]);

    const { invite: second } = await createInvite(actor, createInviteSchema.parse({ email: "wait.wanda@example.net", name: "Wanda", role: "user", send_email: true }), META);
    const [old] = await inviteMail(second.id);
    const { token } = await resendInvite(actor, second.id, DAY, META);
    const left = await inviteMail(second.id);
    expect(left.map((m) => m.id), "a Resend: the new mail alone").not.toContain(old.id);
    expect(left).toHaveLength(1);

    // Once the server answers (the waiting mail's next try brought forward), the new link is what arrives, and a
    // later renewal leaves the sent mail listed.
    await smtp.start();
    await deliverOutbox({ now: new Date(Date.now() + 3_600_000) });
    const mail = await smtp.waitFor(sentTo("wait.wanda@example.net"));
    expect(mail.text).toContain(token);
    await regenerateInvite(actor, second.id, DAY, META);
    expect(await db().select().from(outbox).where(and(eq(outbox.inviteId, second.id), eq(outbox.status, "delivered")))).toHaveLength(1);
  });
});
