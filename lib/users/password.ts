/**
 * A person changing their own password. The other sessions of the user end;
 * the session that made the change stays signed in.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertSelf } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "@/lib/crypto/passwords";
import { db } from "@/lib/db/client";
import { writeAs } from "@/lib/auth/fresh-actor";
import { users } from "@/lib/db/schema";
import { Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { newPasswordSchema, passwordMatchesIdentity } from "@/lib/passwords/policy";
import { passwordChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { deleteUserSessions } from "@/lib/sessions/sessions";
import { findUserRow, openIdentity, userLabel } from "./records";

export const changePasswordSchema = z.object({
  old_password: z.string({ error: "Current password is required" }).min(1, "Current password is required").max(1024),
  new_password: newPasswordSchema,
});
export type ChangePasswordInput = z.output<typeof changePasswordSchema>;

export async function changeOwnPassword(actor: Actor, userId: string, input: ChangePasswordInput, meta: RequestMeta) {
  assertSelf(actor, userId, "You can only change your own password");
  // Counted before the current password is checked: this is also a limit on guessing it.
  await consumeRateLimit(passwordChangeLimit(), `${actor.accountId}:${userId}`);
  const row = findUserRow(db(), actor.accountId, userId);
  if (!row) throw new NotFound("User");
  if (!row.passwordHash) {
    throw new PreconditionFailed("This account has no local password; it signs in through an identity provider");
  }
  if (!(await verifyPassword(row.passwordHash, input.old_password))) {
    throw new Invalid("Current password is incorrect", { old_password: ["Current password is incorrect"] });
  }
  if (input.new_password === input.old_password) {
    throw new Invalid("Invalid input", { new_password: ["New password must differ from the current one"] });
  }
  const user = openIdentity(row);
  if (passwordMatchesIdentity(input.new_password, user)) {
    throw new Invalid("Invalid input", { new_password: ["Password must not be your email or name"] });
  }
  const passwordHash = await hashPassword(input.new_password);
  writeAs(actor, (tx) => {
    tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, userId)).run();
    const keep = actor.kind === "session" ? actor.sessionId : undefined;
    const ended = deleteUserSessions(tx, actor.accountId, userId, keep);
    const label = userLabel(user);
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.password.changed",
      actor: { type: "user", id: userId, label },
      target: { type: "user", id: userId, label },
      details: { other_sessions_ended: ended },
      meta,
    });
  });
}
