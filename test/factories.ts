/**
 * Test data written straight into the unit-test database: accounts, users with
 * sealed email and name, and sessions. Only hashes a password when asked to.
 */
import crypto from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { desc, eq, sql } from "drizzle-orm";
import type { RequestMeta, SessionActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/crypto/passwords";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/client";
import { accounts, activityEvents, users, type Role } from "@/lib/db/schema";
import { createSession, resolveSession } from "@/lib/sessions/sessions";
import { sealEmail, sealName } from "@/lib/users/records";

export const META: RequestMeta = { ip: "203.0.113.7", userAgent: "vitest" };

/** The better-sqlite3 handle under drizzle (the Db type does not expose it). */
export function sqlite(): BetterSqlite3.Database {
  return (db() as unknown as { $client: BetterSqlite3.Database }).$client;
}

export function createAccount(): string {
  const id = crypto.randomUUID();
  db().insert(accounts).values({ id }).run();
  return id;
}

export type TestUser = { id: string; accountId: string; email: string; name: string; role: Role };

let counter = 0;

export async function createUser(
  accountId: string,
  options: {
    email?: string;
    name?: string;
    role?: Role;
    /** Hashed with argon2id (about 30 ms); leave out for a user without a local password. */
    password?: string;
    isBlocked?: boolean;
  } = {},
): Promise<TestUser> {
  counter += 1;
  const id = crypto.randomUUID();
  const email = options.email ?? `user${counter}@example.com`;
  const name = options.name ?? `Test User ${counter}`;
  const role = options.role ?? "user";
  db()
    .insert(users)
    .values({
      id,
      accountId,
      ...sealEmail(id, email),
      ...sealName(id, name),
      role,
      passwordHash: options.password === undefined ? null : await hashPassword(options.password),
      isBlocked: options.isBlocked ?? false,
    })
    .run();
  return { id, accountId, email, name, role };
}

export function updateUserRow(userId: string, values: Partial<typeof users.$inferInsert>): void {
  db().update(users).set(values).where(eq(users.id, userId)).run();
}

export function userRow(userId: string) {
  return db().select().from(users).where(eq(users.id, userId)).get();
}

/** Signs the user in without a password: a session row, and the actor a request with its cookie would get. */
export async function startSession(user: { id: string; accountId: string }, now?: Date): Promise<SessionActor> {
  const sessionId = await writeSystem((tx) => createSession(tx, user, META, now));
  const actor = await resolveSession(sessionId, now);
  if (!actor) throw new Error(`new session of user ${user.id} does not resolve`);
  return actor;
}

/** The most recently written activity event. */
export function lastEvent() {
  return db().select().from(activityEvents).orderBy(desc(sql`rowid`)).limit(1).get();
}
