/**
 * Sign-in on the form: a local user's email and password, or, with LDAP on,
 * a directory user's username (or email) and password. Every failure gives
 * the caller the same error and costs the same work: one argon2 verify (real
 * or dummy) and, with LDAP on, one directory lookup, whichever path the
 * identifier takes. The activity log records the real reason.
 *
 * Which path: an identifier that is the email of a local user with a
 * password is checked here; one that belongs to a directory user, or to
 * nobody, goes to the directory when LDAP is on.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "@/lib/crypto/passwords";
import { db, writeTransaction } from "@/lib/db/client";
import { users, type UserRow } from "@/lib/db/schema";
import { ExternalSignInRefused, type RefusalReason } from "@/lib/idp/external-sign-in";
import { DirectoryUnavailable } from "@/lib/idp/ldap/directory";
import { DirectoryCredentialsRejected, directoryLookupCover, signInWithDirectory } from "@/lib/idp/ldap/sign-in";
import { ldapSourceRow } from "@/lib/idp/records";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { createSession } from "@/lib/sessions/sessions";
import { instanceAccountId } from "@/lib/setup/instance";
import { refreshDirectoryUser } from "@/lib/users/directory";
import { findUserRowsByEmail, openIdentity, userLabel } from "@/lib/users/records";
import type { RequestMeta } from "./actor";

export class SignInFailed extends Error {
  constructor() {
    super("Invalid email or password");
  }
}

/** The directory vouched for the password, but Latchkey won't let the person in (and may say why). */
export class SignInRefused extends SignInFailed {
  constructor(readonly reason: RefusalReason) {
    super();
  }
}

/** The LDAP directory could not be asked; local users are unaffected. */
export class SignInUnavailable extends SignInFailed {}

export type SignedIn = { userId: string; sessionId: string; mustChangePassword: boolean };

function recordFailure(
  accountId: string | null,
  reason: string,
  meta: RequestMeta,
  user?: { id: string; label: string },
  extra?: Record<string, unknown>,
) {
  if (!accountId) return;
  writeTransaction((tx) =>
    recordEvent(tx, {
      accountId,
      action: "user.login.failed",
      actor: user ? { type: "user", id: user.id, label: user.label } : { type: "anonymous", id: null },
      target: user ? { type: "user", id: user.id, label: user.label } : undefined,
      details: { reason, ...extra },
      meta,
    }),
  );
}

export async function signInWithPassword(identifier: string, password: string, meta: RequestMeta): Promise<SignedIn> {
  const options = signInOptions();
  const source = options.ldapEnabled && options.accountId ? ldapSourceRow(db(), options.accountId) : undefined;
  const ldap = source?.enabled ? source : undefined;
  const candidates = findUserRowsByEmail(db(), identifier);
  const row = candidates.length === 1 ? candidates[0] : undefined;
  if (ldap && (!row || row.idpId === ldap.id)) {
    return signInThroughDirectory(ldap, row, identifier, password, meta);
  }
  const cover = ldap ? directoryLookupCover(ldap, identifier.trim()) : Promise.resolve();
  try {
    return await signInLocally(row, password, options.localLoginEnabled, meta);
  } finally {
    await cover;
  }
}

async function signInThroughDirectory(
  ldap: NonNullable<ReturnType<typeof ldapSourceRow>>,
  row: UserRow | undefined,
  identifier: string,
  password: string,
  meta: RequestMeta,
): Promise<SignedIn> {
  // A directory user may type their email; the directory knows them by username.
  const username = row?.idpSubject ?? identifier.trim();
  const [attempt] = await Promise.allSettled([signInWithDirectory(ldap, username, password, meta), verifyAgainstDummy(password)]);
  if (attempt.status === "fulfilled") return { userId: attempt.value.userId, sessionId: attempt.value.sessionId, mustChangePassword: false };
  const err = attempt.reason;
  const who = row ? { id: row.id, label: userLabel(openIdentity(row)) } : undefined;
  if (err instanceof DirectoryCredentialsRejected) {
    recordFailure(ldap.accountId, err.reason, meta, who, { method: "ldap" });
    throw new SignInFailed();
  }
  if (err instanceof DirectoryUnavailable) {
    console.error(`LDAP sign-in failed: ${err.message}`);
    recordFailure(ldap.accountId, "directory_unavailable", meta, who, { method: "ldap" });
    throw new SignInUnavailable();
  }
  // Recorded by signInExternal. A blocked user hears what everyone else hears.
  if (err instanceof ExternalSignInRefused) throw err.reason === "blocked_user" ? new SignInFailed() : new SignInRefused(err.reason);
  throw err;
}

async function signInLocally(row: UserRow | undefined, password: string, localLoginEnabled: boolean, meta: RequestMeta): Promise<SignedIn> {
  if (!row?.passwordHash || !localLoginEnabled) {
    await verifyAgainstDummy(password);
    const reason = !row ? "unknown_email" : !row.passwordHash ? "no_local_password" : "local_sign_in_disabled";
    recordFailure(row?.accountId ?? instanceAccountId(), reason, meta);
    throw new SignInFailed();
  }
  const user = { ...openIdentity(row), isBlocked: row.isBlocked, mustChangePassword: row.mustChangePassword };
  const who = { id: user.id, label: userLabel(user) };
  if (!(await verifyPassword(row.passwordHash, password))) {
    recordFailure(user.accountId, "wrong_password", meta, who);
    throw new SignInFailed();
  }
  if (user.isBlocked) {
    recordFailure(user.accountId, "blocked_user", meta, who);
    throw new SignInFailed();
  }
  const upgradedHash = needsRehash(row.passwordHash) ? await hashPassword(password) : null;
  const now = new Date();
  const sessionId = writeTransaction((tx) => {
    tx.update(users)
      .set({ lastLoginAt: now, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) })
      .where(eq(users.id, user.id))
      .run();
    const id = createSession(tx, user, meta, now);
    recordEvent(tx, {
      accountId: user.accountId,
      action: "user.login",
      actor: { type: "user", id: user.id, label: who.label },
      target: { type: "user", id: user.id, label: who.label },
      details: upgradedHash ? { password_hash_upgraded: true } : undefined,
      meta,
      at: now,
    });
    return id;
  });
  refreshDirectoryUser(user.accountId, user.id);
  return { userId: user.id, sessionId, mustChangePassword: user.mustChangePassword };
}
