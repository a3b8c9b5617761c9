/**
 * Review 9c (resource exhaustion): a sign-in with a device cookie the person never used adds a known-browser
 * row and mails a "new browser" notice. The cookie is the client's to choose, so a member signing in with
 * their own password in a loop, a fresh cookie each time, added a row per sign-in for ever and had the
 * instance send a mail per sign-in (using up the mail provider's sending quota, which invites and
 * password resets need too).
 */
import crypto from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { knownBrowsers } from "@/lib/db/schema";
import { createSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, type TestUser } from "@/test/factories";
import { sendMailThrough } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { isKnownDeviceOf, MAX_KNOWN_BROWSERS_PER_USER, NEW_BROWSER_NOTICES_PER_HOUR } from "./reactions";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
  await sendMailThrough(smtp, owner);
}, 60_000);
afterAll(() => smtp.stop());

const freshDevice = () => crypto.randomBytes(16).toString("base64url");
const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

describe("new-browser sign-ins in a loop", { timeout: 60_000 }, () => {
  it("keeps at most MAX_KNOWN_BROWSERS_PER_USER browsers per person and mails at most NEW_BROWSER_NOTICES_PER_HOUR notices an hour", async () => {
    expect(MAX_KNOWN_BROWSERS_PER_USER).toBe(100);
    expect(NEW_BROWSER_NOTICES_PER_HOUR).toBe(5);
    const person = await createUser(accountId);
    const other = await createUser(accountId);
    const signIn = (user: TestUser, device: string) => writeSystem((tx) => createSession(tx, user, { ip: "198.51.100.4", userAgent: chrome, device }));
    const othersDevice = freshDevice();
    await signIn(other, othersDevice);
    const devices: string[] = [];
    for (let i = 0; i < MAX_KNOWN_BROWSERS_PER_USER + 10; i++) {
      devices.push(freshDevice());
      await signIn(person, devices.at(-1)!);
    }
    await outboxIdle();
    await new Promise((r) => setTimeout(r, 500));

    const [{ n }] = await db()
      .select({ n: count() })
      .from(knownBrowsers)
      .where(and(eq(knownBrowsers.accountId, accountId), eq(knownBrowsers.userId, person.id)));
    expect(Number(n)).toBe(MAX_KNOWN_BROWSERS_PER_USER);
    // The newest browsers are still known; the oldest were forgotten. Someone else's are not touched.
    expect(await isKnownDeviceOf(db(), person.id, devices.at(-1)!)).toBe(true);
    expect(await isKnownDeviceOf(db(), person.id, devices[0])).toBe(false);
    expect(await isKnownDeviceOf(db(), other.id, othersDevice)).toBe(true);

    // The first browser with a cookie is no news; of the next 109 only the hour's first few are mailed.
    const notices = smtp.messages.filter((m) => JSON.stringify(m.to).includes(person.email) && /new browser/i.test(m.subject ?? ""));
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.length).toBeLessThanOrEqual(NEW_BROWSER_NOTICES_PER_HOUR);
  });
});
