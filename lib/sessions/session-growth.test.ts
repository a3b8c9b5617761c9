/**
 * Review 9c (resource exhaustion): the sessions table must not grow without bound. Every sign-in writes a
 * row; before, expired rows were never removed and one person could hold any number of live ones, so a
 * member scripting sign-ins with their own password grew the table (and their session list) for ever.
 */
import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, sessions } from "@/lib/db/schema";
import { runMaintenance } from "@/lib/jobs";
import { createAccount, createUser, META, type TestUser } from "@/test/factories";
import { createSession, MAX_SESSIONS_PER_USER, resolveSession } from "./sessions";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let accountId: string;
let member: TestUser;
let other: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  member = await createUser(accountId, { role: "user" });
  other = await createUser(accountId, { role: "user" });
});

const signIn = (user: TestUser, at: Date) => writeSystem((tx) => createSession(tx, user, "password", META, at, { signedIn: true }));
const sessionCount = async (user: TestUser) =>
  Number((await db().select({ n: count() }).from(sessions).where(and(eq(sessions.accountId, accountId), eq(sessions.userId, user.id))))[0].n);
const exists = async (id: string) => (await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id)).limit(1)).length === 1;

describe("sessions table growth", () => {
  it("keeps at most MAX_SESSIONS_PER_USER sessions per person: a sign-in past it ends the least recently used", async () => {
    expect(MAX_SESSIONS_PER_USER).toBe(100);
    const start = Date.now();
    const otherSession = await signIn(other, new Date(start));
    const ids: string[] = [];
    const signInAgain = () => signIn(member, new Date(start + ids.length * 1000)).then((id) => ids.push(id));
    for (let i = 0; i < MAX_SESSIONS_PER_USER; i++) await signInAgain();
    expect(await sessionCount(member)).toBe(MAX_SESSIONS_PER_USER);
    const revokedEvents = async () =>
      (await db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, "session.revoked")))).filter(
        (e) => e.targetId === member.id,
      );
    expect(await revokedEvents()).toEqual([]);

    // The 101st ends the least recently used down to 90 (so the next sign-ins don't each end one).
    await signInAgain();
    expect(await sessionCount(member)).toBe(90);
    expect(await exists(ids[0])).toBe(false);
    expect(await exists(ids[10])).toBe(false);
    expect(await exists(ids[11])).toBe(true);
    const now = new Date(start + ids.length * 1000);
    expect(await resolveSession(ids.at(-1)!, now)).not.toBeNull();
    // On record once, as a revocation by the system with the reason and the sessions it ended.
    const [revoked, ...more] = await revokedEvents();
    expect(more).toEqual([]);
    expect(revoked.actorType).toBe("system");
    expect(revoked.details).toMatchObject({ reason: "session_limit", sessions_ended: 11, max_sessions: MAX_SESSIONS_PER_USER });

    // Ten more fit; the one after ends again. A session in use counts as recent, however old its sign-in.
    for (let i = 0; i < 10; i++) await signInAgain();
    expect(await sessionCount(member)).toBe(MAX_SESSIONS_PER_USER);
    await resolveSession(ids[11], new Date(now.getTime() + 20 * 60_000));
    await signInAgain();
    expect(await sessionCount(member)).toBe(90);
    expect(await exists(ids[11])).toBe(true);
    expect(await exists(ids[12])).toBe(false);
    expect(await revokedEvents()).toHaveLength(2);
    // Someone else's sessions are not touched.
    expect(await exists(otherSession)).toBe(true);
  });

  it("the maintenance pass removes sessions that have ended (idle past their expiry, or past the absolute limit)", async () => {
    const person = await createUser(accountId, { role: "user" });
    const now = new Date();
    // Signed in 8 days ago and never used since: the sliding week ended a day ago.
    const idle = await signIn(person, new Date(now.getTime() - 8 * DAY_MS));
    // Signed in 31 days ago and used yesterday: past SESSION_ABSOLUTE_MAX_DAYS (30) whatever its expiry says.
    const old = await signIn(person, new Date(now.getTime() - 31 * DAY_MS));
    await writeSystem(async (tx) => {
      await tx.update(sessions).set({ expiresAt: new Date(now.getTime() + DAY_MS) }).where(eq(sessions.id, old));
    });
    const live = await signIn(person, new Date(now.getTime() - HOUR_MS));

    await runMaintenance(now);

    expect(await exists(idle)).toBe(false);
    expect(await exists(old)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await resolveSession(live, now)).not.toBeNull();
  });
});
