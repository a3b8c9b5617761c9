/**
 * An admin's levers on someone's access: reset their password (which also
 * deletes their access tokens), end their sessions (and, when the admin
 * chooses, their access tokens). Both end the person's sessions at once.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/crypto/passwords";
import { emit, noneEnded } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { factorsKept } from "@/lib/mfa/records";
import { users } from "@/lib/db/schema";
import { assertPasswordAllowed, newPasswordSchema } from "@/lib/passwords/policy";
import { generatePassword } from "./generated-password";
import { loadUser } from "./lifecycle";
import { userLabel } from "./records";
import { assertOutranks } from "@/lib/auth/escalation";
import { assertCanResetPassword, assertCanRevokeSessions } from "./rules";

export const resetPasswordSchema = z.object({
  /** Omit to have a password generated (returned once). */
  password: newPasswordSchema.optional(),
});
export type ResetPasswordInput = z.output<typeof resetPasswordSchema>;

/** Sets a new password (typed or generated) that the person must change at next sign-in. */
export async function resetUserPassword(
  actor: Actor,
  userId: string,
  input: ResetPasswordInput,
  meta: RequestMeta,
): Promise<{ password: string | null }> {
  // Refuse before spending a hash; the transaction checks again on fresh data.
  const target = await loadUser(db(), actor.accountId, userId);
  assertCanResetPassword(actor, target);
  if (input.password) await assertPasswordAllowed(input.password, target, "password");
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  await write(actor, async (tx, me) => {
    const current = await loadUser(tx, actor.accountId, userId);
    assertCanResetPassword(me, current);
    await assertOutranks(tx, me, current);
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true })
      .where(and(eq(users.accountId, actor.accountId), eq(users.id, userId)));
    // A reset is how an admin takes an account back: sessions and tokens made with it end (lib/sessions, lib/tokens react).
    const ended = noneEnded();
    await emit(tx, "user.password_reset", { accountId: actor.accountId, userId, ended });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.password.reset",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(current) },
      details: { generated: !input.password, sessions_ended: ended.sessions, tokens_deleted: ended.tokens, ...(await factorsKept(tx, userId)) },
      meta,
    });
  });
  return { password: input.password ? null : password };
}

export const revokeSessionsSchema = z.object({
  /** Also delete the person's access tokens: an explicit choice, recorded in the activity log. */
  revoke_tokens: z.boolean({ error: "Must be true or false" }).default(false),
});
export type RevokeSessionsInput = z.input<typeof revokeSessionsSchema>;

export async function revokeUserSessions(
  actor: Actor,
  userId: string,
  input: RevokeSessionsInput,
  meta: RequestMeta,
): Promise<{ revoked: number; tokens_deleted: number }> {
  return write(actor, async (tx, me) => {
    const target = await loadUser(tx, actor.accountId, userId);
    const revokeTokens = input.revoke_tokens === true;
    assertCanRevokeSessions(me, target, revokeTokens);
    await assertOutranks(tx, me, target);
    const ended = noneEnded();
    await emit(tx, "user.sessions_revoked", { accountId: actor.accountId, userId, revokeTokens, ended });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.sessions.revoked",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { sessions_ended: ended.sessions, revoke_tokens: revokeTokens, tokens_deleted: ended.tokens, ...(await factorsKept(tx, userId)) },
      meta,
    });
    return { revoked: ended.sessions, tokens_deleted: ended.tokens };
  });
}
