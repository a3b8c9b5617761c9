/** For the tests that fire one thing several times at the same moment (review 16: lib/**\/*-at-once.test.ts). */
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { sessions } from "@/lib/db/schema";

/** How many requests go at once: enough for PostgreSQL's units of work to overlap, few enough to stay fast. */
export const AT_ONCE = 6;

/** Runs every call at once; how many resolved. */
export async function fulfilled(calls: Array<() => Promise<unknown>>): Promise<number> {
  const results = await Promise.allSettled(calls.map((call) => call()));
  return results.filter((r) => r.status === "fulfilled").length;
}

/** How many Latchkey sessions the user has. */
export async function sessionsOf(userId: string): Promise<number> {
  return (await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).length;
}
