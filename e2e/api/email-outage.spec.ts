/**
 * Mail that must not be lost: with the mail server configured in the
 * environment (SMTP_URL, SMTP_FROM, PUBLIC_URL), an invite sent while the
 * mail server is down is queued (the deliveries list says so, with the
 * server's answer), the Latchkey process is killed before it could send, and
 * after both come back the message is delivered — once.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { setUpOwner } from "../support/instance";
import { invitee } from "../support/invites-api";
import { startServer, type Instance } from "../support/server";
import { recipientIs, startSmtpServer } from "../support/smtp";
import { tokenClient } from "../support/users-api";

test("an invite queued while the mail server is down is delivered once after a crash and restart", async () => {
  test.setTimeout(180_000);
  const smtp = await startSmtpServer();
  await smtp.stop();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-e2e-mail-"));
  const env = {
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SMTP_FROM: "Team Latchkey <latchkey@example.test>",
    PUBLIC_URL: "https://team.example.test/",
    ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
  };
  let instance: Instance | undefined = await startServer(env, { dataDir });
  try {
    const owner = await setUpOwner(instance);
    let api = tokenClient(instance, owner.personal_access_token);
    const settings = await api.get<{ source: string; enabled: boolean; public_url: string }>("/api/settings/email");
    expect(settings.body).toMatchObject({ source: "environment", enabled: true, public_url: "https://team.example.test" });

    const person = invitee("outage");
    const created = await api.post<{ email_queued?: boolean }>("/api/users/invites", { ...person, send_email: true });
    expect(created.status, created.text).toBe(200);
    expect(created.body.email_queued).toBe(true);
    await expect
      .poll(async () => (await api.get<Array<{ to: string; state: string; attempts: number; last_error: string | null }>>("/api/settings/email/deliveries")).body[0], { timeout: 15_000 })
      .toMatchObject({ to: person.email, state: "queued", attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED|connect/i) });

    // The process dies with the message committed but not sent.
    process.kill(instance.pid, "SIGKILL");
    await instance.stop();
    instance = undefined;
    await smtp.start();
    instance = await startServer(env, { dataDir });
    api = tokenClient(instance, owner.personal_access_token);

    const mail = await smtp.waitFor(recipientIs(person.email), 120_000);
    expect(mail.text).toContain("https://team.example.test/invite?token=lki_");
    expect(mail.from?.text).toContain("latchkey@example.test");
    // No second copy arrives.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(smtp.messages.filter(recipientIs(person.email))).toHaveLength(1);
    const deliveries = await api.get<Array<{ to: string; state: string }>>("/api/settings/email/deliveries");
    expect(deliveries.body.find((d) => d.to === person.email)?.state).toBe("sent");
  } finally {
    await instance?.stop();
    await smtp.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
