import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverOutbox, outboxIdle, outboxMessage } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { mailSettings, outbox } from "@/lib/db/schema";
import { Forbidden, Invalid } from "@/lib/errors";
import { createAccount, createUser, eventsOf, META, startSession, type TestUser } from "@/test/factories";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { listDeliveries, retryDelivery, sendTestEmail } from "./deliveries";
import { messageIdOf, queueMail } from "./delivery";
import { mailSettingsInputSchema } from "./schemas";
import { getMailSettings, saveMailSettings } from "./settings";
import { testMail } from "./templates";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const HOUR = 3_600_000;

async function ownerActor() {
  return startSession(owner);
}

async function configure(overrides: Record<string, unknown> = {}) {
  return saveMailSettings(await ownerActor(), mailSettingsInputSchema.parse({
    host: "127.0.0.1",
    port: smtp.port,
    security: "none",
    username: "mailer",
    password: "smtp secret 42",
    from_name: "Team",
    from_address: "latchkey@example.com",
    public_url: "https://team.example.com",
    ...overrides,
  }), META);
}

async function send(to: string, subject = "Hello") {
  return writeSystem((tx) => queueMail(tx, { accountId, to, kind: "security_notice", for: null, mail: { ...testMail("en", { publicUrl: null }), subject } }));
}

beforeAll(async () => {
  smtp = await startSmtpServer({ user: "mailer", pass: "smtp secret 42" });
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
}, 60_000);

afterAll(async () => {
  await smtp.stop();
});

beforeEach(async () => {
  await outboxIdle();
});

// Password hashing and a real SMTP server: slow on a loaded machine.
describe("mail settings", { timeout: 60_000 }, () => {
  it("refuses to turn mail on without a public address and a sender; only the owner saves", async () => {
    const error = await configure({ public_url: "", from_address: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Invalid);
    expect(Object.keys((error as Invalid).fieldErrors).sort()).toEqual(["from_address", "public_url"]);
    const admin = await createUser(accountId, { role: "admin" });
    await expect(saveMailSettings(await startSession(admin), mailSettingsInputSchema.parse({ host: "" }), META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("refuses a public address with a user name before the host: mailed links would go to the host after the @", () => {
    for (const public_url of ["https://team.example.com@evil.example", "https://user:pass@team.example.com/"]) {
      const parsed = mailSettingsInputSchema.safeParse({ public_url });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ["public_url"], message: expect.stringMatching(/^Must be an http:\/\/ or https:\/\/ address/) });
    }
    expect(mailSettingsInputSchema.parse({ public_url: "https://team.example.com/" }).public_url).toBe("https://team.example.com");
  });

  it("refuses a public address with a path: Latchkey answers at the root of its host, so links and the issuer under a path lead nowhere", () => {
    for (const public_url of ["https://team.example.com/latchkey", "https://team.example.com/latchkey/", "https://team.example.com:8443/id"]) {
      const parsed = mailSettingsInputSchema.safeParse({ public_url });
      expect(parsed.success, public_url).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ["public_url"], message: "Must be an http:// or https:// address without a path, like https://team.example.com" });
    }
    expect(mailSettingsInputSchema.parse({ public_url: "https://team.example.com:8443" }).public_url).toBe("https://team.example.com:8443");
    // Nor one that is no address at all, though it has no slash (review 33): a full-width solidus, an escaped one, a port out of range.
    for (const public_url of ["https://team.example.com\uFF0Flatchkey", "https://team.example.com%2Flatchkey", "https://team.example.com:70000"]) {
      expect(mailSettingsInputSchema.safeParse({ public_url }).success, public_url).toBe(false);
    }
  });

  it("seals the SMTP password at rest and never returns it; an empty password keeps it", async () => {
    const saved = await configure();
    expect(saved.enabled).toBe(true);
    expect(saved.hasPassword).toBe(true);
    expect(JSON.stringify(saved)).not.toContain("smtp secret 42");
    const [row] = await db().select().from(mailSettings).where(eq(mailSettings.accountId, accountId));
    expect(row.passwordCiphertext).toBeTruthy();
    expect(row.passwordCiphertext).not.toContain("smtp secret");
    const again = await configure({ password: "" });
    expect(again.hasPassword).toBe(true);
    expect((await getMailSettings(await ownerActor())).hasPassword).toBe(true);
  });

  it("sends a test message and shows the server's answer (and a refusal's)", async () => {
    await configure();
    const ok = await sendTestEmail(await ownerActor(), { to: "owner@example.com" });
    expect(ok.ok).toBe(true);
    expect(ok.response).toMatch(/^250/);
    await smtp.waitFor((m) => m.to !== undefined && JSON.stringify(m.to).includes("owner@example.com"));
    await configure({ password: "wrong password" });
    const refused = await sendTestEmail(await ownerActor(), { to: "owner@example.com" });
    expect(refused.ok).toBe(false);
    expect(refused.response).toMatch(/Invalid username or password|535/);
    await configure();
  });

  it("lists a test email under Recent deliveries, sent or failed with the answer, and never sends it again", async () => {
    await configure();
    const ok = await sendTestEmail(await ownerActor(), { to: "tested@example.com" });
    expect(ok.ok).toBe(true);
    await smtp.waitFor((m) => JSON.stringify(m.to ?? "").includes("tested@example.com"));
    await configure({ password: "wrong password" });
    const refused = await sendTestEmail(await ownerActor(), { to: "refused@example.com" });
    expect(refused.ok).toBe(false);
    await configure();

    const listed = await listDeliveries(await ownerActor());
    const sent = listed.find((d) => d.to === "tested@example.com");
    expect(sent).toMatchObject({ kind: "test", subject: "Test message · Latchkey (team.example.com)", state: "sent", attempts: 1, lastError: null, nextTryAt: null, retryable: false });
    expect(sent?.sentAt).toBeInstanceOf(Date);
    const failed = listed.find((d) => d.to === "refused@example.com");
    expect(failed).toMatchObject({ kind: "test", state: "failed", attempts: 1, nextTryAt: null, retryable: false });
    expect(failed?.lastError).toMatch(/Invalid username or password|535/);
    expect(failed?.lastError).not.toContain("refused@example.com");
    // Sealed at rest, as a queued message.
    expect(JSON.stringify((await outboxMessage(sent!.id))?.payload)).not.toContain("tested@example.com");

    // The outbox never takes them up: one message to each, however many passes run; a failed test isn't retried.
    await deliverOutbox({ now: new Date(Date.now() + 3 * HOUR) });
    await outboxIdle();
    expect(smtp.messages.filter((m) => JSON.stringify(m.to ?? "").includes("tested@example.com"))).toHaveLength(1);
    expect(smtp.messages.filter((m) => JSON.stringify(m.to ?? "").includes("refused@example.com"))).toHaveLength(0);
    await expect(retryDelivery(await ownerActor(), failed!.id, META)).rejects.toThrow("Failed delivery");
    expect((await outboxMessage(failed!.id))?.status).toBe("failed");
  });

  it("records who sent a test email, and the answer, naming no address", async () => {
    await configure();
    await sendTestEmail(await ownerActor(), { to: "audited@example.com" }, META);
    await configure({ password: "wrong password" });
    await sendTestEmail(await ownerActor(), { to: "audited@example.com" }, META);
    await configure();
    const [sent] = (await eventsOf(accountId, "email.sent")).filter((e) => (e.details as { kind?: string } | null)?.kind === "test");
    const [failed] = (await eventsOf(accountId, "email.failed")).filter((e) => (e.details as { kind?: string } | null)?.kind === "test");
    for (const event of [sent, failed]) {
      expect(event).toMatchObject({ actorType: "user", actorId: owner.id, targetType: "email" });
      expect(JSON.stringify(event)).not.toContain("audited@example.com");
    }
    expect((failed.details as { response: string }).response).toMatch(/Invalid username or password|535/);
  });
});

// Password hashing and a real SMTP server: slow on a loaded machine.
describe("mail on the outbox", { timeout: 60_000 }, () => {
  it("delivers after the commit with text, HTML, the sender and a stable Message-ID; the row holds no plaintext", async () => {
    await configure();
    const id = await send("ada@example.com", "Delivered once");
    const stored = await outboxMessage(id);
    expect(JSON.stringify(stored?.payload)).not.toContain("ada@example.com");
    expect(JSON.stringify(stored?.payload)).not.toContain("Delivered once");
    await outboxIdle();
    const mail = await smtp.waitFor((m) => m.subject === "Delivered once");
    expect(mail.text).toContain("Mail from this instance reaches you");
    expect(mail.html).toContain("Mail from this instance reaches you");
    expect(mail.html).not.toMatch(/<img/i);
    expect(mail.from?.text).toContain("latchkey@example.com");
    const payload = stored?.payload as { mailId: string };
    expect(mail.messageId).toBe(messageIdOf(payload.mailId, "https://team.example.com"));
    expect((await outboxMessage(id))?.status).toBe("delivered");
  });

  it("sends nothing for a change that rolled back", async () => {
    await configure();
    await expect(
      writeSystem(async (tx) => {
        await queueMail(tx, { accountId, to: "rollback@example.com", kind: "security_notice", for: null, mail: { ...testMail("en", { publicUrl: null }), subject: "Rolled back" } });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await outboxIdle();
    await deliverOutbox();
    expect(smtp.messages.some((m) => m.subject === "Rolled back")).toBe(false);
  });

  it("queues while the mail server is down and delivers once when it is back (no duplicates)", async () => {
    await configure();
    await smtp.stop();
    try {
      const id = await send("down@example.com", "Sent after the outage");
      await outboxIdle();
      const waiting = await outboxMessage(id);
      expect(waiting?.status).toBe("pending");
      expect(waiting?.attempts).toBe(1);
      expect(waiting?.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(waiting?.lastError).not.toContain("down@example.com");
      const listed = (await listDeliveries(await ownerActor())).find((d) => d.id === id);
      expect(listed).toMatchObject({ to: "down@example.com", subject: "Sent after the outage", state: "queued", attempts: 1 });
      expect(JSON.stringify(listed)).not.toContain("reaches you");
    } finally {
      await smtp.start();
    }
    const later = new Date(Date.now() + HOUR);
    await Promise.all([deliverOutbox({ now: later }), deliverOutbox({ now: later })]);
    await deliverOutbox({ now: new Date(Date.now() + 3 * HOUR) });
    await smtp.waitFor((m) => m.subject === "Sent after the outage");
    expect(smtp.messages.filter((m) => m.subject === "Sent after the outage")).toHaveLength(1);
  });

  it("lets an admin retry a message that was given up", async () => {
    await configure();
    const id = await send("failed@example.com", "Given up, then retried");
    await writeSystem(async (tx) => {
      await tx.update(outbox).set({ status: "failed", lastError: "550 refused" }).where(eq(outbox.id, id));
    });
    const admin = await createUser(accountId, { role: "admin" });
    await retryDelivery(await startSession(admin), id, META);
    await outboxIdle();
    await smtp.waitFor((m) => m.subject === "Given up, then retried");
    expect((await outboxMessage(id))?.status).toBe("delivered");
    const member = await createUser(accountId, { role: "user" });
    await expect(retryDelivery(await startSession(member), id, META)).rejects.toBeInstanceOf(Forbidden);
  });
});
