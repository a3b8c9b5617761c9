/**
 * r46: with mail on, the invites `npm run users -- import --invite-without-password --apply` makes go out as the
 * dashboard's do: one outbox message per invite, queued in the batch's unit of work and sent after its commit, none
 * for a dry run, and no link printed (the mail carries it). The mail names the instance's operator, not a person.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import { systemActor } from "@/lib/auth/system-actor";
import { outboxIdle } from "@/lib/data/outbox";
import { db } from "@/lib/db/database";
import { invites, outbox } from "@/lib/db/schema";
import { runImport } from "@/lib/ops/users-import";
import { IMPORT_HEADER, importFileWriter, reportText } from "@/test/import-files";
import { META, startSession, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { acceptInvite } from "./acceptance";
import { resendInvite } from "./invites";
import { INVITE_EXPIRY } from "./schemas";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const COMMAND: RequestMeta = { ip: null, userAgent: "npm run users" };
const csv = importFileWriter("import-invites-mail-");
const command = () => systemActor(accountId, "npm run users");
const outboxOf = async (inviteIds: string[]) => (await db().select().from(outbox).where(eq(outbox.accountId, accountId))).filter((m) => m.inviteId && inviteIds.includes(m.inviteId));
const pending = () => db().select().from(invites).where(eq(invites.accountId, accountId));

beforeAll(async () => {
  ({ smtp, accountId, owner } = await startMailInstance());
}, 60_000);
afterAll(() => smtp.stop());

describe("invites made by the import, with mail on", { timeout: 60_000 }, () => {
  it("a dry run queues nothing; --apply queues one mail per invite after the commit, naming the operator, and prints no link", async () => {
    const file = csv(IMPORT_HEADER, "zq-mail-ann@example.net,Zq Mail Ann,,,admin,", "zq-mail-bob@example.net,Zq Mail Bob,,,,");
    const options = { apply: false, createGroups: false, inviteWithoutPassword: true };
    const dry = await runImport(command(), file, options, COMMAND);
    expect(dry.code, reportText(dry)).toBe(0);
    expect(reportText(dry)).toContain("line 2: would invite zq-mail-ann@example.net: admin; the invite goes to them by mail");
    expect(reportText(dry)).toContain("The invites would go out by mail.");
    expect(await pending()).toEqual([]);
    expect(await db().select().from(outbox).where(eq(outbox.accountId, accountId))).toEqual([]);
    await outboxIdle();
    expect(smtp.messages.filter(sentTo("zq-mail-ann@example.net"))).toEqual([]);

    const applied = await runImport(command(), file, { ...options, apply: true }, COMMAND);
    const out = reportText(applied);
    expect(applied.code, out).toBe(0);
    expect(out).toContain("line 2: invited zq-mail-ann@example.net: admin; the invite goes to them by mail");
    expect(out).toContain("0 users created, 2 invites made, 0 skipped.");
    expect(out).not.toContain("/invite?token=");
    expect(out).not.toContain("lki_");
    const made = await pending();
    expect(made).toHaveLength(2);
    expect(await outboxOf(made.map((i) => i.id))).toHaveLength(2);

    const mail = await smtp.waitFor(sentTo("zq-mail-ann@example.net"));
    expect(mail.text).toContain("The operator of");
    expect(mail.text).not.toContain("npm run users");
    expect(mail.text).not.toContain("An admin");
    await smtp.waitFor(sentTo("zq-mail-bob@example.net"));
    await outboxIdle();
    expect(smtp.messages.filter(sentTo("zq-mail-ann@example.net"))).toHaveLength(1);

    // The mailed link works: Ann is an admin, her address proven by it.
    const token = decodeURIComponent(mail.text!.match(/invite\?token=(lki_[0-9A-Za-z%]+)/)![1]);
    const accepted = await acceptInvite(token, "zq ann's brand new passphrase", META);
    expect(accepted.email).toBe("zq-mail-ann@example.net");
  });

  it("an admin's resend of the operator's invite mails the new link, still naming the operator", async () => {
    const [bob] = (await pending()).filter((i) => i.createdBy === "system");
    await resendInvite(await startSession(owner), bob.id, INVITE_EXPIRY.defaultSeconds, META);
    await outboxIdle();
    const mails = smtp.messages.filter(sentTo("zq-mail-bob@example.net"));
    expect(mails).toHaveLength(2);
    expect(mails[1].text).toContain("The operator of");
  });
});
