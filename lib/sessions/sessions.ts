/**
 * Server-side sessions. The cookie only carries a session id; every request
 * checks the row, so signing out, revoking, blocking, deleting a user or a
 * password change ends access at once rather than at cookie expiry.
 */
import "server-only";
import crypto from "node:crypto";
import { and, count, desc, eq, gt, inArray, isNull, lte, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { config } from "@/lib/config";
import { db, dialect, type Tx } from "@/lib/db/database";
import { literalLimit, perDatabase, perTransaction, type PreparedRows } from "@/lib/db/prepared";
import { recordEvent } from "@/lib/audit/record";
import { emit } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import { sessions, users, type Role } from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema.pg";
import type { RequestMeta, SessionActor } from "@/lib/auth/actor";
import { hasExtraRolesColumn, resolvePermissions } from "@/lib/auth/effective-permissions";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { PASSKEY_FACTOR_PREFIX, type SecondFactor, type SignInMethod } from "./sign-in-method";
import { sealSessionClient } from "./client-fields";

/**
 * The most sessions one person holds at once. A sign-in past it ends their least recently used ones: a
 * script signing in with a person's own password in a loop can't grow the table (or the person's session
 * list, which every session page reads whole) without bound. Far more browsers and devices than anyone uses.
 */
export const MAX_SESSIONS_PER_USER = 100;

/** How often last_seen (and the sliding expiry) is written; reads in between cost no write. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * When a session used at `now` ends: SESSION_MAX_AGE_HOURS after its last use (sliding), but never later
 * than SESSION_ABSOLUTE_MAX_DAYS after its sign-in, however much it is used: a stolen cookie kept busy
 * doesn't live forever, and every session proves the password (and second factor) again in the end.
 */
function sessionEnd(createdAt: Date, now: Date): Date {
  return new Date(Math.min(now.getTime() + config().sessionMaxAgeSeconds * 1000, latestEnd(createdAt)));
}
const latestEnd = (createdAt: Date) => createdAt.getTime() + config().sessionAbsoluteMaxSeconds * 1000;

/** A new session row's values, as placeholders: one list for SQLite's insert and PostgreSQL's (insertSignedInSession). */
const SESSION_ROW = {
  id: sql.placeholder("id"),
  accountId: sql.placeholder("accountId"),
  userId: sql.placeholder("userId"),
  createdAt: sql.placeholder("now"),
  lastSeenAt: sql.placeholder("now"),
  expiresAt: sql.placeholder("expiresAt"),
  userAgentCiphertext: sql.placeholder("userAgentCiphertext"),
  ipCiphertext: sql.placeholder("ipCiphertext"),
  signInMethod: sql.placeholder("signInMethod"),
  secondFactor: sql.placeholder("secondFactor"),
};

/** The sign-in's statements, built once per unit-of-work tx (lib/db/prepared.ts): every sign-in runs them. */
const insertSession = perTransaction((tx) =>
  tx
    .insert(sessions)
    .values(SESSION_ROW)
    .prepare(),
);
const adoptLocale = perTransaction((tx) =>
  tx
    .update(users)
    .set({ locale: sql`${sql.placeholder("locale")}` })
    .where(
      and(
        eq(users.accountId, sql.placeholder("accountId")),
        eq(users.id, sql.placeholder("userId")),
        or(isNull(users.locale), ne(users.locale, sql.placeholder("locale"))),
      ),
    )
    .prepare(),
);
/** A sign-in's write to the person's row: when they last signed in and, when this browser chose one, their language. */
const signedInNow = perTransaction((tx) =>
  tx
    .update(users)
    // Drizzle encodes a placeholder in set() with the column's own mapping (as in values()); its types don't say so.
    .set({ lastLoginAt: sql.placeholder("now") as unknown as Date, locale: sql`coalesce(${sql.placeholder("locale")}, ${users.locale})` })
    .where(and(eq(users.accountId, sql.placeholder("accountId")), eq(users.id, sql.placeholder("userId"))))
    .prepare(),
);

/**
 * PostgreSQL: a sign-in's session row and its write to the person's row (signedInNow) in one statement, the
 * insert a data-modifying CTE: one round trip under the instance's write lock instead of two.
 */
const insertSignedInSession = perTransaction((tx) => {
  // Tx is typed with SQLite's builders; on PostgreSQL it is pg-core's database, with its schema's tables.
  const pgTx = tx as unknown as NodePgDatabase;
  const { sessions: sessionTable, users: userTable } = pgSchema;
  const inserted = pgTx.$with("inserted").as(
    pgTx
      .insert(sessionTable)
      .values(SESSION_ROW)
      .returning({ id: sessionTable.id }),
  );
  return pgTx
    .with(inserted)
    .update(userTable)
    .set({ lastLoginAt: sql.placeholder("now") as unknown as Date, locale: sql`coalesce(${sql.placeholder("locale")}, ${userTable.locale})` })
    .where(and(eq(userTable.accountId, sql.placeholder("accountId")), eq(userTable.id, sql.placeholder("userId"))))
    // The person's other sessions (the statement's snapshot doesn't see its own insert): the limit's check
    // without a round trip of its own; the trim runs only past it.
    .returning({
      others: sql<number>`(SELECT count(*) FROM ${sessionTable} WHERE ${sessionTable.accountId} = ${sql.placeholder("accountId")} AND ${sessionTable.userId} = ${sql.placeholder("userId")})`.mapWith(Number),
    })
    .prepare("latchkey_signed_in_session");
});

/**
 * A new session for the user, made by `method` (kept on the row: switching that way in off ends it), with the
 * `secondFactor` that proved the person besides it, if one did (kept: the ID token's amr says it, and removing
 * that passkey ends the session). `signedIn` (a sign-in that has just proved who this is) also sets the user's
 * last sign-in to `now`, in the same statement as the language.
 */
export async function createSession(
  tx: Tx,
  user: { id: string; accountId: string },
  method: SignInMethod,
  meta: RequestMeta,
  now = new Date(),
  { signedIn = false, secondFactor = null }: { signedIn?: boolean; secondFactor?: SecondFactor | null } = {},
): Promise<string> {
  const id = crypto.randomBytes(24).toString("base64url");
  const row = {
    id,
    accountId: user.accountId,
    userId: user.id,
    now,
    expiresAt: sessionEnd(now, now),
    ...sealSessionClient(id, { ip: meta.ip, userAgent: meta.userAgent?.slice(0, 512) ?? null }),
    signInMethod: method,
    secondFactor,
  };
  // The language chosen on this browser becomes the person's, for the mail they get (lib/mail/language.ts).
  const locale = meta.locale ?? null;
  if (signedIn && dialect() === "postgres") {
    const [person] = (await insertSignedInSession(tx).execute({ ...row, locale })) as { others: number }[];
    if (person && person.others + 1 > MAX_SESSIONS_PER_USER) await endSessionsOverLimit(tx, user, id, meta, now);
  } else {
    await insertSession(tx).execute(row);
    if (signedIn) await signedInNow(tx).execute({ now, locale, accountId: user.accountId, userId: user.id });
    else if (locale) await adoptLocale(tx).execute({ locale, accountId: user.accountId, userId: user.id });
    await endSessionsOverLimit(tx, user, id, meta, now);
  }
  // email: a sign-in from a browser the person never used gets a notice (lib/mail reacts).
  await emit(tx, "session.created", { accountId: user.accountId, userId: user.id, userAgent: meta.userAgent, ip: meta.ip, device: meta.device ?? null });
  return id;
}

/** What a trim leaves: a sign-in past the limit ends this many more than it must, so the next few don't trim again. */
const SESSIONS_KEPT_AFTER_TRIM = MAX_SESSIONS_PER_USER - 10;

/**
 * A sign-in's check of the limit, one statement built once (every sign-in runs it): while the person holds
 * at most MAX_SESSIONS_PER_USER sessions it deletes nothing (the count is one uncorrelated subquery, taken
 * once); past it, it deletes all but their SESSIONS_KEPT_AFTER_TRIM most recently used, never the new one.
 */
const trimSessions = perTransaction((tx) => {
  const ofPerson = () => and(eq(sessions.accountId, sql.placeholder("accountId")), eq(sessions.userId, sql.placeholder("userId")));
  const held = tx.select({ n: count() }).from(sessions).where(ofPerson());
  const mostRecent = tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(ofPerson())
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt), desc(sessions.id))
    .limit(literalLimit(SESSIONS_KEPT_AFTER_TRIM));
  return tx
    .delete(sessions)
    .where(
      and(
        ofPerson(),
        ne(sessions.id, sql.placeholder("newId")),
        sql`(${held}) > ${sql.raw(String(MAX_SESSIONS_PER_USER))}`,
        notInArray(sessions.id, mostRecent),
      ),
    )
    .returning({ id: sessions.id })
    .prepare();
});

async function labelOf(tx: Tx, user: { id: string; accountId: string }): Promise<string | null> {
  const row = await findUserRow(tx, user.accountId, user.id);
  return row ? userLabel(openIdentity(row)) : null;
}

/** Past MAX_SESSIONS_PER_USER, ends the person's least recently used sessions; on record as one revocation by the system, with how many. */
async function endSessionsOverLimit(tx: Tx, user: { id: string; accountId: string }, newId: string, meta: RequestMeta, now: Date): Promise<void> {
  const ended = (await trimSessions(tx).execute({ accountId: user.accountId, userId: user.id, newId })) as { id: string }[];
  if (ended.length === 0) return;
  await recordEvent(tx, {
    accountId: user.accountId,
    action: "session.revoked",
    actor: { type: "system", id: null, label: "Session limit" },
    target: { type: "user", id: user.id, label: await labelOf(tx, user) },
    details: { sessions_ended: ended.length, reason: "session_limit", max_sessions: MAX_SESSIONS_PER_USER },
    meta,
    at: now,
  });
}

/**
 * Removes the sessions that have ended: idle past their sliding expiry, or past SESSION_ABSOLUTE_MAX_DAYS
 * after their sign-in (resolveSession refuses both). Run by the maintenance job (lib/jobs.ts); without it
 * every sign-in's row stayed for ever. Returns how many went.
 */
export async function pruneEndedSessions(now: Date): Promise<number> {
  const signedInBefore = new Date(now.getTime() - config().sessionAbsoluteMaxSeconds * 1000);
  const removed = await writeSystem((tx) =>
    tx
      .delete(sessions)
      .where(or(lte(sessions.expiresAt, now), lte(sessions.createdAt, signedInBefore)))
      .returning({ id: sessions.id }),
  );
  return removed.length;
}

/**
 * The session row and its user, by id: every dashboard request and cookie API call asks, so the
 * statement is built and prepared once per database (lib/db/prepared.ts), with its LIMIT written in.
 * The expiry is compared by the caller, as the access-token lookup does.
 */
const sessionLookup = perDatabase(
  (d) =>
    d
      .select({
        id: sessions.id,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        accountId: users.accountId,
        userId: users.id,
        role: users.role,
        isBlocked: users.isBlocked,
        mustChangePassword: users.mustChangePassword,
        hasExtraRoles: hasExtraRolesColumn(),
      })
      .from(sessions)
      .innerJoin(users, and(eq(users.id, sessions.userId), eq(users.accountId, sessions.accountId)))
      .where(eq(sessions.id, sql.placeholder("id")))
      .limit(literalLimit(1))
      .prepare() as unknown as PreparedRows<{
      id: string;
      createdAt: Date;
      lastSeenAt: Date;
      expiresAt: Date;
      accountId: string;
      userId: string;
      role: Role;
      isBlocked: boolean;
      mustChangePassword: boolean;
      hasExtraRoles: boolean;
    }>,
);

/**
 * The actor for a session id, or null when the session is gone, expired, or
 * its user is blocked or deleted. One read per request; a write (the sliding
 * expiry) at most once a minute per session.
 */
export async function resolveSession(sessionId: string, now = new Date()): Promise<SessionActor | null> {
  const [row] = await sessionLookup().execute({ id: sessionId });
  // Expired is as gone (the row waits for the clean-up job). A row from before the absolute limit may
  // expire later than it allows: the limit counts from the sign-in whatever the row says.
  if (!row || Math.min(row.expiresAt.getTime(), latestEnd(row.createdAt)) <= now.getTime() || row.isBlocked) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    // Only a session still alive is extended: one deleted meanwhile stays deleted.
    await writeSystem(async (tx) => {
      await tx
        .update(sessions)
        .set({ lastSeenAt: now, expiresAt: sessionEnd(row.createdAt, now) })
        .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)));
    });
  }
  return {
    kind: "session",
    sessionId: row.id,
    accountId: row.accountId,
    userId: row.userId,
    role: row.role,
    permissions: await resolvePermissions(db(), row),
    mustChangePassword: row.mustChangePassword,
  };
}

/** When the session's person signed in (its row's creation), or null when it is gone: a fresh sign-in is proof for some changes (lib/mfa/proof.ts). */
export async function sessionSignedInAt(accountId: string, sessionId: string): Promise<Date | null> {
  const [row] = await db()
    .select({ createdAt: sessions.createdAt })
    .from(sessions)
    .where(and(eq(sessions.accountId, accountId), eq(sessions.id, sessionId)))
    .limit(1);
  return row?.createdAt ?? null;
}

/** How a session's person signed in: when, the way in (sign_in_method) and the second factor (null: none, or unknown). */
export type SessionSignIn = { signedInAt: Date; signInMethod: string | null; secondFactor: string | null };

/** How the session's person signed in (./sign-in-method.ts), or null when it is gone: the ID token's auth_time, amr and acr say it. */
export async function sessionSignIn(accountId: string, sessionId: string): Promise<SessionSignIn | null> {
  const [row] = await db()
    .select({ signedInAt: sessions.createdAt, signInMethod: sessions.signInMethod, secondFactor: sessions.secondFactor })
    .from(sessions)
    .where(and(eq(sessions.accountId, accountId), eq(sessions.id, sessionId)))
    .limit(1);
  return row ?? null;
}

export async function deleteSession(tx: Tx, accountId: string, sessionId: string): Promise<boolean> {
  const deleted = await tx
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), eq(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/**
 * Ends the session with this id (what the cookie carries: a secret that names one row, in one account).
 * Returns whose it was, or null when it had already ended.
 */
export async function deleteSessionById(tx: Tx, sessionId: string): Promise<{ accountId: string; userId: string } | null> {
  const [deleted] = await tx.delete(sessions).where(eq(sessions.id, sessionId)).returning({ accountId: sessions.accountId, userId: sessions.userId });
  return deleted ?? null;
}

/** Ends every session of a user except, optionally, the one to keep. Returns how many ended. */
export async function deleteUserSessions(tx: Tx, accountId: string, userId: string, keepSessionId?: string): Promise<number> {
  return deletePersonsSessions(tx, accountId, userId, keepSessionId);
}

/** Ends the person's sessions that meet `which` (all without it), except `keepSessionId`. Returns how many ended. */
async function deletePersonsSessions(tx: Tx, accountId: string, userId: string, keepSessionId: string | undefined, which?: SQL): Promise<number> {
  const deleted = await tx
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), eq(sessions.userId, userId), which, keepSessionId ? ne(sessions.id, keepSessionId) : undefined))
    .returning({ id: sessions.id });
  return deleted.length;
}

/**
 * Ends the sessions made by `method` (a way in being switched off), and the sessions from before
 * sessions.sign_in_method existed of the people who belong to that source (users.idp_id = `sourceId`: such
 * a person has no other way in but a passkey, which is refused to them). Returns how many ended and whose.
 */
export async function deleteSessionsMadeBy(tx: Tx, accountId: string, method: string, sourceId: string): Promise<{ sessions: number; userIds: string[] }> {
  const sourcesPeople = tx.select({ id: users.id }).from(users).where(and(eq(users.accountId, accountId), eq(users.idpId, sourceId)));
  const deleted = await tx
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), or(eq(sessions.signInMethod, method), and(isNull(sessions.signInMethod), inArray(sessions.userId, sourcesPeople)))))
    .returning({ userId: sessions.userId });
  return { sessions: deleted.length, userIds: [...new Set(deleted.map((d) => d.userId))] };
}

/**
 * Ends the person's sessions proved by `factor` (sessions.second_factor: the authenticator app, or a passkey as first
 * step or second), and for a passkey their passkey sessions from before that column (which passkey it was is
 * unknown: possibly this one), except `keepSessionId`. Returns how many ended.
 */
export async function deleteSessionsProvedBy(tx: Tx, accountId: string, userId: string, factor: SecondFactor, keepSessionId?: string): Promise<number> {
  const provedBy = factor.startsWith(PASSKEY_FACTOR_PREFIX)
    ? or(eq(sessions.secondFactor, factor), and(eq(sessions.signInMethod, "passkey"), isNull(sessions.secondFactor)))
    : eq(sessions.secondFactor, factor);
  return deletePersonsSessions(tx, accountId, userId, keepSessionId, provedBy);
}

/**
 * A session's name in lists and the activity log: a digest of its id. The id
 * itself (what the cookie carries) never leaves the server.
 */
export function publicSessionId(sessionId: string): string {
  return crypto.createHash("sha256").update(sessionId).digest("base64url").slice(0, 16);
}
