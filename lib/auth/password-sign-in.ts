/**
 * Email and password sign-in. Every failure gives the caller the same error
 * and costs the same hashing time; the activity log records the real reason.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "@/lib/crypto/passwords";
import { db, writeTransaction } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
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

export type SignedIn = { userId: string; sessionId: string; mustChangePassword: boolean };

function recordFailure(accountId: string | null, reason: string, meta: RequestMeta, user?: { id: string; label: string }) {
  if (!accountId) return;
  writeTransaction((tx) =>
    recordEvent(tx, {
      accountId,
      action: "user.login.failed",
      actor: user ? { type: "user", id: user.id, label: user.label } : { type: "anonymous", id: null },
      target: user ? { type: "user", id: user.id, label: user.label } : undefined,
      details: { reason },
      meta,
    }),
  );
}

export async function signInWithPassword(email: string, password: string, meta: RequestMeta): Promise<SignedIn> {
  const candidates = findUserRowsByEmail(db(), email);
  const row = candidates.length === 1 ? candidates[0] : undefined;
  if (!row?.passwordHash) {
    await verifyAgainstDummy(password);
    recordFailure(row?.accountId ?? instanceAccountId(), row ? "no_local_password" : "unknown_email", meta);
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
