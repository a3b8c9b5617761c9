/**
 * How a person's pending links react to what happens to them (lib/data/effects.ts), in the same
 * transaction:
 * - a pending email change ends when the person's password changes or is reset, their sessions are
 *   revoked, or they are blocked: it was asked for from a session, and ending sessions must end what
 *   someone holding one of them started (else a stolen session's link still moves the email, and
 *   "Forgot password?" to the new address takes the account); it also ends when the email is set
 *   some other way (an admin's save), which a link opened later would otherwise undo;
 * - unused password-reset links end when the email they were mailed to is no longer the person's, when
 *   the password changes or is reset, when sessions are revoked, or when the person is blocked;
 * - an unused owner recovery link (./owner-recovery.ts endUnusedRecoveryLinks) ends when the password changes
 *   or is reset any other way (OWASP's reset-token guidance).
 */
import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { react } from "@/lib/data/effects";
import type { Tx } from "@/lib/db/database";
import { emailChanges, passwordResets } from "@/lib/db/schema";
import { endUnusedRecoveryLinks } from "./owner-recovery";

type Person = { accountId: string; userId: string };

async function endUnusedResetLinks(tx: Tx, { accountId, userId }: Person): Promise<void> {
  await tx.delete(passwordResets).where(and(eq(passwordResets.accountId, accountId), eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

async function endPendingLinks(tx: Tx, person: Person): Promise<void> {
  await tx.delete(emailChanges).where(and(eq(emailChanges.accountId, person.accountId), eq(emailChanges.userId, person.userId)));
  await endUnusedResetLinks(tx, person);
}

async function endLinksOnPasswordChange(tx: Tx, person: Person): Promise<void> {
  await endPendingLinks(tx, person);
  await endUnusedRecoveryLinks(tx, person.accountId, person.userId);
}

react("user.password_changed", "pending-links", endLinksOnPasswordChange);
react("user.password_reset", "pending-links", endLinksOnPasswordChange);
react("user.sessions_revoked", "pending-links", endPendingLinks);
react("user.blocked", "pending-links", endPendingLinks);
react("user.email_changed", "pending-links", endPendingLinks);
