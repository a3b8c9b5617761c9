/**
 * Test data written straight into the unit-test database: accounts, users with
 * sealed email and name, and sessions. Only hashes a password when asked to.
 */
import crypto from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { and, desc, eq, sql } from "drizzle-orm";
import type { RequestMeta, SessionActor, TokenActor } from "@/lib/auth/actor";
import { decryptField } from "@/lib/crypto/aead";
import { hashPassword } from "@/lib/crypto/passwords";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect, engine, type Tx } from "@/lib/db/database";
import { accessTokens, accounts, activityEvents, identityProviders, ldapSources, mailSettings, users, type Role } from "@/lib/db/schema";
import { loadSignInSettings, saveSignInSettings } from "@/lib/idp/records";
import type { SignInMethod } from "@/lib/sessions/sign-in-method";
import { createSession, resolveSession } from "@/lib/sessions/sessions";
import { sealEmail, sealName, sealUsername } from "@/lib/users/records";
import { indexUser } from "@/lib/users/search-source";
import { countUserAdded } from "@/lib/users/user-counts";

export const META: RequestMeta = { ip: "203.0.113.7", userAgent: "vitest" };

/** The better-sqlite3 writer connection (for pragmas such as a WAL checkpoint); SQLite only. */
export function sqlite(): BetterSqlite3.Database {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("sqlite() needs the SQLite engine");
  return native.writer;
}

export async function createAccount(): Promise<string> {
  const id = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(accounts).values({ id });
  });
  return id;
}

/** Settings → Email's public address of the account, written straight in: the relying party for passkeys (PUBLIC_URL would win over it). */
export async function setPublicAddress(accountId: string, publicUrl: string): Promise<void> {
  await writeSystem((tx) => tx.insert(mailSettings).values({ accountId, publicUrl, updatedAt: new Date() }));
}

export type TestUser = { id: string; accountId: string; email: string; name: string; username: string; role: Role };

let counter = 0;

export async function createUser(
  accountId: string,
  options: {
    email?: string;
    name?: string;
    /** Left out: user<n> (unique within the test run). */
    username?: string;
    role?: Role;
    /** Hashed with argon2id (about 30 ms); leave out for a user without a local password. */
    password?: string;
    isBlocked?: boolean;
    /** Left out: true, as for a person an admin created (false: an address nobody proved, lib/users/records.ts sealEmail). */
    emailVerified?: boolean;
  } = {},
): Promise<TestUser> {
  counter += 1;
  const id = crypto.randomUUID();
  const email = options.email ?? `user${counter}@example.com`;
  const name = options.name ?? `Test User ${counter}`;
  const username = options.username ?? `user${counter}`;
  const role = options.role ?? "user";
  const passwordHash = options.password === undefined ? null : await hashPassword(options.password);
  await writeSystem(async (tx) => {
    await tx.insert(users).values({
      id,
      accountId,
      ...sealEmail(id, email, options.emailVerified === false ? null : new Date()),
      ...sealName(id, name),
      ...sealUsername(id, username),
      role,
      passwordHash,
      isBlocked: options.isBlocked ?? false,
    });
    // As every write path does: the user is found by name and email (lib/users/search-source.ts).
    await indexUser(tx, { accountId, id, name, email, username });
    await countUserAdded(tx, accountId, false);
  });
  return { id, accountId, email, name, username, role };
}

export async function updateUserRow(userId: string, values: Partial<typeof users.$inferInsert>): Promise<void> {
  await writeSystem(async (tx) => {
    await tx.update(users).set(values).where(eq(users.id, userId));
  });
}

export async function userRow(userId: string) {
  const [row] = await db().select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

/** Signs the user in without a password: a session row, and the actor a request with its cookie would get. */
export async function startSession(user: { id: string; accountId: string }, now?: Date, method: SignInMethod = "password"): Promise<SessionActor> {
  const sessionId = await writeSystem(async (tx) => createSession(tx, user, method, META, now));
  const actor = await resolveSession(sessionId, now);
  if (!actor) throw new Error(`new session of user ${user.id} does not resolve`);
  return actor;
}

/**
 * A fresh instance's owner, set up as /setup does, and an access token of theirs: what a script calling
 * the API holds. Its modules load on first use, after a test file's mocks.
 */
export async function ownerWithToken(tokenName = "api tests"): Promise<{ accountId: string; userId: string; token: string }> {
  const { completeSetup, setupInputSchema } = await import("@/lib/setup/setup");
  const { createAccessToken } = await import("@/lib/tokens/personal-tokens");
  const password = "a long and unusual passphrase";
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password }), META);
  const owner = await startSession({ id: setup.user_id, accountId: setup.account_id });
  const { plain } = await createAccessToken(owner, setup.user_id, { name: tokenName, expires_in: 30 }, META, { password });
  return { accountId: setup.account_id, userId: setup.user_id, token: plain };
}

/**
 * A token row of the user's, named `name` and valid for a day, inserted as it is stored (its digest random: nobody
 * holds its secret), in the caller's unit of work, and its actor (with the admin role): for tests of how a token's
 * actor is named or recorded.
 */
export async function insertTokenRow(tx: Tx, user: { accountId: string; id: string }, name: string): Promise<{ tokenId: string; actor: TokenActor }> {
  const tokenId = crypto.randomUUID();
  await tx.insert(accessTokens).values({
    id: tokenId,
    accountId: user.accountId,
    userId: user.id,
    name,
    tokenDigest: crypto.randomBytes(32).toString("hex"),
    expiresAt: new Date(Date.now() + 86_400_000),
    createdBy: user.id,
    createdAt: new Date(),
  });
  return { tokenId, actor: { kind: "token", tokenId, accountId: user.accountId, userId: user.id, role: "admin" } };
}

/** The most recently written activity event. */
export async function lastEvent() {
  // SQLite: insertion order (rowid). PostgreSQL has none: the newest time, then the highest position
  // (occurred_at never decreases along a chain, and the tests' writes are a few ms apart).
  const order = dialect() === "sqlite" ? [desc(sql`rowid`)] : [desc(activityEvents.occurredAt), desc(activityEvents.seq)];
  const [row] = await db().select().from(activityEvents).orderBy(...order).limit(1);
  return row && withClient(row);
}

/** An account's activity events of one action, their client address and user agent opened (withClient). */
export async function eventsOf(accountId: string, action: string) {
  const rows = await db()
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, action)));
  return rows.map(withClient);
}

/** An activity_events row with its client address and user agent opened (sealed since review 17) into ip and userAgent. */
export function withClient<T extends { id: string; ip: string | null; userAgent: string | null; ipCiphertext: string | null; userAgentCiphertext: string | null }>(row: T): T {
  const open = (column: string, value: string | null) => (value ? decryptField(value, { table: "activity_events", column, rowId: row.id }) : null);
  return { ...row, ip: row.ip ?? open("ip", row.ipCiphertext), userAgent: row.userAgent ?? open("user_agent", row.userAgentCiphertext) };
}

/**
 * The way in a hand-written ExternalPolicy signs in through (`idpId` as its identity names it), made to exist and be
 * switched on: signInExternal refuses a way in that isn't open (lib/idp/way-in.ts wayInStillOpen). An account has
 * one LDAP source: it becomes this one.
 */
export async function openWayIn(accountId: string, method: "oidc" | "ldap" | "header", idpId: string): Promise<void> {
  const updatedAt = new Date();
  await writeSystem(async (tx) => {
    if (method === "oidc") {
      await tx
        .insert(identityProviders)
        .values({ id: idpId, accountId, type: "oidc", name: idpId, issuer: "https://idp.example.com", clientId: "c", clientSecretCiphertext: "x", scopes: "openid", enabled: true, updatedAt })
        .onConflictDoUpdate({ target: identityProviders.id, set: { enabled: true } });
    } else if (method === "ldap") {
      await tx.delete(ldapSources).where(eq(ldapSources.accountId, accountId));
      await tx.insert(ldapSources).values({
        id: idpId, accountId, name: idpId, enabled: true, url: "ldaps://ldap.example.com", bindDn: "cn=reader", searchBase: "dc=example", userFilter: "(uid={username})",
        usernameAttribute: "uid", emailAttribute: "mail", nameAttribute: "cn", groupFilter: "(member={dn})", groupNameAttribute: "cn", updatedAt,
      });
    } else {
      const settings = await loadSignInSettings(tx, accountId);
      const ranges = settings.headerTrustedRanges.length > 0 ? settings.headerTrustedRanges : ["10.1.0.0/16"];
      await saveSignInSettings(tx, { ...settings, headerEnabled: true, headerTrustedRanges: ranges });
    }
  });
}
