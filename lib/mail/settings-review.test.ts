/**
 * Settings → Email after a security review:
 * 1. a save names only what it changes: a tab left open, or a PUT with one field, doesn't put back or
 *    reset what it didn't name (it turned mail off: omitted fields took the schema's defaults);
 * 2. the stored SMTP password doesn't follow a new host, port, security or username (a taken session
 *    pointed the server elsewhere and "Send test email" sent the password there);
 * 3. a session moving where mail goes proves it's the owner (lib/mfa/proof.ts); a token doesn't;
 * 4. "Send test email" says only what a mail server answered (it read SSH banners: a port scanner), and
 *    is counted per person;
 * 5. the SMTP username is the owner's to see.
 */
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverOutbox, outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { Invalid, RateLimited } from "@/lib/errors";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createAccount, createUser, lastEvent, META, startSession, type TestUser } from "@/test/factories";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { listDeliveries, sendTestEmail } from "./deliveries";
import { queueMail } from "./delivery";
import { getMailSettings, mailTransportSettings, saveMailSettings } from "./settings";
import { db } from "@/lib/db/database";
import { testMail } from "./templates";

const PASSWORD = "a long and unusual passphrase";
const PROOF = { current_password: PASSWORD };

let smtp: TestSmtp;
let banner: net.Server;
let bannerPort: number;
let accountId: string;
let owner: TestUser;

/** Everything set, as the owner first saves it (with the proof). */
async function configure(overrides: Record<string, unknown> = {}) {
  return saveMailSettings(
    await startSession(owner),
    {
      host: "127.0.0.1",
      port: smtp.port,
      security: "none",
      username: "mailer",
      password: "smtp secret 42",
      from_address: "latchkey@example.com",
      public_url: "https://team.example.com",
      notice_password_changed: true,
      notice_new_browser: true,
      ...PROOF,
      ...overrides,
    },
    META,
  );
}

const stored = () => mailTransportSettings(db(), accountId);

/** A new access token of the owner's (its creation from a session gives the password). */
async function ownerToken(): Promise<string> {
  const made = await createAccessToken(await startSession(owner), owner.id, { name: `script ${crypto.randomUUID()}`, expires_in: 30 }, META, { password: PASSWORD });
  return made.plain;
}

beforeAll(async () => {
  smtp = await startSmtpServer({ user: "mailer", pass: "smtp secret 42" });
  // Not a mail server: an SSH daemon's banner, then nothing.
  banner = net.createServer((socket) => {
    socket.on("error", () => undefined);
    socket.write("SSH-2.0-OpenSSH_9.6\r\n");
  });
  await new Promise<void>((resolve) => banner.listen(0, "127.0.0.1", resolve));
  bannerPort = (banner.address() as net.AddressInfo).port;
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", password: PASSWORD });
}, 60_000);

afterAll(async () => {
  await smtp.stop();
  await new Promise((resolve) => banner.close(resolve));
});

beforeEach(async () => {
  await resetRateLimits();
  await outboxIdle();
});

// Password hashing and real servers: slow on a loaded machine.
describe("a save changes only what it names", { timeout: 60_000 }, () => {
  it("a tab left open that unticks one notice keeps the host, port, username and password another tab saved since", async () => {
    await configure();
    // Tab A: a new server, with its password.
    await saveMailSettings(await startSession(owner), { host: "localhost", port: "2525", username: "relay", password: "the relay's secret", ...PROOF }, META);
    // Tab B, loaded before A saved, unticks one notice: the form names only that field.
    await saveMailSettings(await startSession(owner), { notice_password_changed: false, ...PROOF }, META);
    const now = await stored();
    expect(now).toMatchObject({ host: "localhost", port: 2525, username: "relay", password: "the relay's secret" });
    expect((await getMailSettings(await startSession(owner))).notices).toMatchObject({ passwordChanged: false, newBrowser: true });
  });

  it('an API PUT of {"notice_new_browser": false} keeps the host (mail stays on)', async () => {
    await configure();
    const { PUT } = await import("@/app/api/settings/email/route");
    const response = await PUT(
      new Request("http://localhost/api/settings/email", {
        method: "PUT",
        headers: { authorization: `Bearer ${await ownerToken()}`, "content-type": "application/json" },
        body: JSON.stringify({ notice_new_browser: false }),
      }),
      undefined,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ host: "127.0.0.1", username: "mailer", has_password: true, enabled: true, notices: { new_browser: false, password_changed: true } });
    expect(await stored()).toMatchObject({ host: "127.0.0.1", password: "smtp secret 42" });
  });
});

describe("the stored SMTP password stays with the server it was entered for", { timeout: 60_000 }, () => {
  it("refuses a new host with the password left empty; takes it with a new password, or with the stored one removed", async () => {
    await configure();
    const refused = await saveMailSettings(await startSession(owner), { host: "attacker.example", password: "", ...PROOF }, META).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Invalid);
    expect((refused as Invalid).fieldErrors.password?.[0]).toMatch(/^Enter the SMTP password again: the host changed/);
    expect((await stored()).host).toBe("127.0.0.1");

    await expect(saveMailSettings(await startSession(owner), { port: 2526, username: "other", ...PROOF }, META)).rejects.toMatchObject({
      fieldErrors: { password: [expect.stringMatching(/the port and username changed/)] },
    });

    await saveMailSettings(await startSession(owner), { host: "localhost", password: "another secret", ...PROOF }, META);
    expect(await stored()).toMatchObject({ host: "localhost", password: "another secret" });

    await saveMailSettings(await startSession(owner), { host: "127.0.0.1", clear_password: true, ...PROOF }, META);
    expect(await stored()).toMatchObject({ host: "127.0.0.1", password: null });
  });
});

describe("moving where mail goes from a session proves it's the owner", { timeout: 60_000 }, () => {
  it("refuses a session without the password (a wrong one on record), and saves with it", async () => {
    await configure();
    const session = await startSession(owner);
    await expect(saveMailSettings(session, { from_address: "thief@evil.example" }, META)).rejects.toMatchObject({
      fieldErrors: { current_password: [expect.any(String)] },
    });
    // Nothing typed is no attempt (lib/users/password.ts ProofMissing): not on record; a guess is.
    expect(await lastEvent()).not.toMatchObject({ action: "mfa.proof.failed" });
    await expect(saveMailSettings(session, { notice_new_browser: false, current_password: "a guess at it" }, META)).rejects.toMatchObject({
      fieldErrors: { current_password: ["Current password is incorrect"] },
    });
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", targetId: owner.id, details: { change: "settings.email", reason: "password" } });
    expect((await stored()).fromAddress).toBe("latchkey@example.com");
    expect((await getMailSettings(session)).notices.newBrowser).toBe(true);

    // Nothing that moves mail: a sender name, a notice turned on.
    await expect(saveMailSettings(session, { from_name: "Team", notice_new_browser: true }, META)).resolves.toMatchObject({ fromName: "Team" });
    await expect(saveMailSettings(session, { from_address: "team@example.com", ...PROOF }, META)).resolves.toMatchObject({ fromAddress: "team@example.com" });

    // An access token isn't asked (as for creating a token).
    const token = (await authenticateAccessToken(await ownerToken()))!;
    await expect(saveMailSettings(token, { from_address: "robot@example.com", notice_new_browser: false }, META)).resolves.toMatchObject({
      fromAddress: "robot@example.com",
      notices: { newBrowser: false },
    });
  });
});

describe("Send test email", { timeout: 60_000 }, () => {
  it("says only what a mail server answered: not another service's banner, nor in the deliveries list", async () => {
    await configure({ port: bannerPort, password: "smtp secret 42" });
    const result = await sendTestEmail(await startSession(owner), { to: "owner@example.com" });
    expect(result.ok).toBe(false);
    expect(result.response).not.toMatch(/SSH|OpenSSH/);
    expect(result.response).toBe(`The server at 127.0.0.1:${bannerPort} didn't answer as a mail server`);

    const id = await writeSystem((tx) => queueMail(tx, { accountId, to: "ada@example.com", kind: "security_notice", for: null, mail: testMail("en", { publicUrl: null }) }));
    await deliverOutbox();
    await outboxIdle();
    const delivery = (await listDeliveries(await startSession(owner))).find((d) => d.id === id);
    expect(delivery?.lastError).toBe(`The server at 127.0.0.1:${bannerPort} didn't answer as a mail server`);
    await configure();
  });

  it("is counted per person: the eleventh in 15 minutes is refused", async () => {
    await configure();
    const session = await startSession(owner);
    for (let i = 0; i < 10; i++) await sendTestEmail(session, { to: "owner@example.com" });
    await expect(sendTestEmail(session, { to: "owner@example.com" })).rejects.toBeInstanceOf(RateLimited);
  });
});

describe("the SMTP username", { timeout: 60_000 }, () => {
  it("is shown to the owner; an admin sees only that one is set", async () => {
    await configure();
    const admin = await createUser(accountId, { role: "admin" });
    expect(await getMailSettings(await startSession(admin))).toMatchObject({ username: null, hasUsername: true });
    expect(await getMailSettings(await startSession(owner))).toMatchObject({ username: "mailer", hasUsername: true });
  });
});
