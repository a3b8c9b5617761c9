/**
 * Review 9c (resource exhaustion): security notices are caused by things a person can repeat in a loop.
 * - A sign-in with a device cookie the person never used adds a known-browser row and mails a "new
 *   browser" notice. The cookie is the client's to choose, so a member signing in with their own password
 *   in a loop, a fresh cookie each time, added a row per sign-in for ever and a mail per sign-in.
 * - An access token of an admin may create and delete its person's tokens (600 requests a minute by
 *   default), a member's session may with its password (the proof's limit): each creation mailed a "new
 *   access token" notice.
 * Either used up the mail provider's sending quota, which invites and password resets need too.
 */
import crypto from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { knownBrowsers } from "@/lib/db/schema";
import { securityNoticeLimit } from "@/lib/security/limits";
import { createSession } from "@/lib/sessions/sessions";
import { mintAccessToken, authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccessToken, deleteAccessToken } from "@/lib/tokens/personal-tokens";
import { createUser, META, type TestUser } from "@/test/factories";
import { startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { isKnownDeviceOf, MAX_KNOWN_BROWSERS_PER_USER } from "./reactions";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());

const freshDevice = () => crypto.randomBytes(16).toString("base64url");
const noticesTo = (person: TestUser, subject: RegExp) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(person.email) && subject.test(m.subject ?? "")).length;
const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

describe("security notices in a loop", { timeout: 60_000 }, () => {
  it("a sign-in loop with fresh device cookies: at most MAX_KNOWN_BROWSERS_PER_USER browsers kept, the hour's notice budget mailed", async () => {
    expect(MAX_KNOWN_BROWSERS_PER_USER).toBe(100);
    const budget = securityNoticeLimit().points;
    expect(budget).toBe(10);
    const person = await createUser(accountId);
    const other = await createUser(accountId, { role: "admin" });
    const signIn = (user: TestUser, device: string) => writeSystem((tx) => createSession(tx, user, "password", { ip: "198.51.100.4", userAgent: chrome, device }));
    const othersDevice = freshDevice();
    await signIn(other, othersDevice);
    const devices: string[] = [];
    for (let i = 0; i < MAX_KNOWN_BROWSERS_PER_USER + 10; i++) {
      devices.push(freshDevice());
      await signIn(person, devices.at(-1)!);
    }
    // outboxIdle waits for the delivery pass every commit nudged, and the test SMTP server keeps a message before it
    // acknowledges it: every mail sent is in smtp.messages then (a fixed 500 ms wait on top only hid a late one).
    await outboxIdle();

    const [{ n }] = await db()
      .select({ n: count() })
      .from(knownBrowsers)
      .where(and(eq(knownBrowsers.accountId, accountId), eq(knownBrowsers.userId, person.id)));
    expect(Number(n)).toBe(MAX_KNOWN_BROWSERS_PER_USER);
    // The newest browsers are still known; the oldest were forgotten. Someone else's are not touched.
    expect(await isKnownDeviceOf(db(), person.id, devices.at(-1)!)).toBe(true);
    expect(await isKnownDeviceOf(db(), person.id, devices[0])).toBe(false);
    expect(await isKnownDeviceOf(db(), other.id, othersDevice)).toBe(true);

    // The first browser with a cookie is no news; of the next 109 only the hour's first ones are mailed.
    expect(noticesTo(person, /new browser/i)).toBe(budget);
  });

  it("a token creating and deleting its person's tokens in a loop: the hour's notice budget mailed, then none", async () => {
    const budget = securityNoticeLimit().points;
    const person = await createUser(accountId, { role: "admin" });
    const { plain } = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: person.id, name: "script", expiresInDays: 1, createdBy: person.id }));
    const token = (await authenticateAccessToken(plain))!;
    for (let i = 0; i < budget + 15; i++) {
      const { token: made } = await createAccessToken(token, person.id, { name: `loop-${i}`, expires_in: 1 }, META);
      await deleteAccessToken(token, person.id, made.id, META);
    }
    // (As above: no fixed wait.)
    await outboxIdle();
    expect(noticesTo(person, /access token/i)).toBe(budget);
    // Another person's budget is their own.
    const other = await createUser(accountId, { role: "admin" });
    const { plain: othersPlain } = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: other.id, name: "script", expiresInDays: 1, createdBy: other.id }));
    await createAccessToken((await authenticateAccessToken(othersPlain))!, other.id, { name: "one", expires_in: 1 }, META);
    await outboxIdle();
    await smtp.waitFor((m) => JSON.stringify(m.to).includes(other.email) && /access token/i.test(m.subject ?? ""));
  });
});
