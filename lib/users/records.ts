/**
 * Reading and writing user rows with their personal data sealed: email and
 * name go in as ciphertext (bound to the row id) plus the email blind index,
 * and come out decrypted as a UserRecord.
 */
import "server-only";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { literalLimit, perTransaction, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { emailBlindIndex, emailBlindIndexes, usernameBlindIndex } from "@/lib/crypto/blind-index";
import { db, type Db, type Tx } from "@/lib/db/database";
import type { MfaSummary } from "@/lib/mfa/records";
import { users, type Role, type UserRow } from "@/lib/db/schema";

export type UserRecord = {
  id: string;
  accountId: string;
  email: string | null;
  /** The email was proven or vouched for (sealEmail below); false with no email. What apps are told as email_verified. */
  emailVerified: boolean;
  name: string;
  /** Unique in the account; "" only for a row from before usernames until start-up derives one. */
  username: string;
  role: Role;
  isBlocked: boolean;
  isServiceUser: boolean;
  hasLocalPassword: boolean;
  mustChangePassword: boolean;
  idpId: string | null;
  /** Ids of the groups the user belongs to. */
  autoGroups: string[];
  createdAt: Date;
  lastLoginAt: Date | null;
  /** Signed in through an external provider that makes new people wait for an admin's approval. */
  pendingApproval?: boolean;
  /** When the LDAP directory check blocked them (their entry gone; lib/idp/ldap/directory-sync.ts), or null. */
  directorySuspendedAt?: Date | null;
  /** Set by the queries when sign-in is locked after too many failures (lib/security/sign-in-throttle.ts). */
  lockedUntil?: Date | null;
  /** two-factor: set by the queries (lib/mfa/records.ts); types and counts, never secrets. */
  mfa?: MfaSummary;
};

const field = (rowId: string, column: string) => ({ table: "users", column, rowId });

/**
 * Every write of an email goes through here, and says whether the address is proven: `verifiedAt` is
 * when (the road that set it proved it or vouched for it), or null. A new
 * address is never left with the old one's proof.
 */
export function sealEmail(userId: string, email: string, verifiedAt: Date | null) {
  return {
    emailCiphertext: encryptField(email.trim(), field(userId, "email")),
    emailIndex: emailBlindIndex(email),
    emailVerifiedAt: verifiedAt,
  };
}

export function sealName(userId: string, name: string) {
  return { nameCiphertext: encryptField(name, field(userId, "name")) };
}

/** Stored as entered (trimmed), found by its blind index (NFKC + case folding). */
export function sealUsername(userId: string, username: string) {
  return {
    usernameCiphertext: encryptField(username.trim(), field(userId, "username")),
    usernameIndex: usernameBlindIndex(username.trim()),
  };
}

export type UserIdentity = { id: string; accountId: string; email: string | null; name: string; username: string };

/** The name alone, for a pass that reads only names (lib/users/name-cleanup.ts). */
export function openName(row: Pick<UserRow, "id" | "nameCiphertext">): string {
  return decryptField(row.nameCiphertext, field(row.id, "name"));
}

/** The username alone, for a pass that reads only usernames (lib/ops/username-refold.ts); "" when none. */
export function openUsername(row: Pick<UserRow, "id" | "usernameCiphertext">): string {
  return row.usernameCiphertext ? decryptField(row.usernameCiphertext, field(row.id, "username")) : "";
}

/** Just who the user is (decrypted email, name and username), for labels and identity checks. */
export function openIdentity(row: UserRow): UserIdentity {
  return {
    id: row.id,
    accountId: row.accountId,
    email: row.emailCiphertext ? decryptField(row.emailCiphertext, field(row.id, "email")) : null,
    name: openName(row),
    username: openUsername(row),
  };
}

/**
 * Who is signed in, as the provider's pages name them (consent, "Sign in to {app}", a refusal, approving a device):
 * the name with the email (or the username), so a second account is told apart; "" for a row gone meanwhile.
 */
export function signedInLabel(row: UserRow | undefined): string {
  if (!row) return "";
  const person = openIdentity(row);
  const handle = person.email ?? person.username;
  return person.name && handle ? `${person.name} (${handle})` : person.name || handle;
}

/**
 * The row as a UserRecord. Written out field by field: lists build thousands
 * of these, and an object spread here cost ~10× the two decryptions (V8's
 * generic clone path once many object shapes have passed through).
 */
export function openUser(row: UserRow, autoGroups: string[], lockedUntil?: Date | null): UserRecord {
  const identity = openIdentity(row);
  const record: UserRecord = {
    id: identity.id,
    accountId: identity.accountId,
    email: identity.email,
    emailVerified: identity.email !== null && row.emailVerifiedAt !== null,
    name: identity.name,
    username: identity.username,
    role: row.role,
    isBlocked: row.isBlocked,
    isServiceUser: row.isServiceUser,
    hasLocalPassword: row.passwordHash !== null,
    mustChangePassword: row.mustChangePassword,
    idpId: row.idpId,
    autoGroups,
    createdAt: row.createdAt,
    lastLoginAt: row.lastLoginAt,
    pendingApproval: row.pendingApproval,
    directorySuspendedAt: row.directorySuspendedAt,
  };
  if (lockedUntil !== undefined) record.lockedUntil = lockedUntil;
  return record;
}

/** findUserRow's statement, kept per Drizzle database (a unit of work's tx or db()): every write's activity label reads it. */
const userRowById = perTransaction(
  (q: Db | Tx) =>
    q
      .select()
      .from(users)
      .where(and(eq(users.accountId, sql.placeholder("accountId")), eq(users.id, sql.placeholder("userId"))))
      .limit(literalLimit(1))
      .prepare() as unknown as PreparedRows<UserRow>,
);

export async function findUserRow(q: Db | Tx, accountId: string, userId: string): Promise<UserRow | undefined> {
  const [row] = await userRowById(q).execute({ accountId, userId });
  return row;
}

/** Rows whose email matches, across accounts (sign-in does not know the account yet). */
export async function findUserRowsByEmail(q: Db | Tx, email: string): Promise<UserRow[]> {
  return q.select().from(users).where(inArray(users.emailIndex, emailBlindIndexes(email))).limit(2);
}

/**
 * Rows whose email OR username is this sign-in identifier, across accounts:
 * one query on one blind index value whatever was typed (the two never
 * collide: emails contain "@", usernames can't), so an email and a username
 * take the same path and the same time.
 */
export async function findUserRowsByIdentifier(q: Db | Tx, identifier: string): Promise<UserRow[]> {
  const indexes = emailBlindIndexes(identifier);
  // Every sign-in asks this of committed data: the statement is built once (one per number of readable keys).
  if (q === db()) return (await identifierLookup(db(), indexes.length).execute(Object.fromEntries(indexes.map((index, i) => [`i${i}`, index])))) as UserRow[];
  return q.select().from(users).where(or(inArray(users.emailIndex, indexes), inArray(users.usernameIndex, indexes))).limit(2);
}

/** findUserRowsByIdentifier's statement on db(), per number of blind indexes (one per readable key set; two during a rotation). */
const identifierLookup = perTransactionBy((d: Db, count: number) => {
  const indexes = Array.from({ length: count }, (_, i) => sql.placeholder(`i${i}`));
  return d
    .select()
    .from(users)
    .where(or(inArray(users.emailIndex, indexes), inArray(users.usernameIndex, indexes)))
    .limit(literalLimit(2))
    .prepare() as unknown as PreparedRows<UserRow>;
});

/** A label for activity events: the name, or the email, or the username. */
export function userLabel(user: { name: string; email: string | null; username?: string }): string {
  return user.name || user.email || user.username || "";
}

/** Some users of an account by id (the ones that still exist), decrypted, without their groups: for labels and flags of a page's rows. */
export async function usersByIds(q: Db | Tx, accountId: string, ids: Iterable<string>): Promise<Map<string, UserRecord>> {
  const wanted = [...new Set(ids)];
  const found = new Map<string, UserRecord>();
  // In slices: SQLite takes at most 32,766 bound values per statement.
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await q
      .select()
      .from(users)
      .where(and(eq(users.accountId, accountId), inArray(users.id, wanted.slice(i, i + 500))));
    for (const row of rows) found.set(row.id, openUser(row, []));
  }
  return found;
}
