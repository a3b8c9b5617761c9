/**
 * Who may see and manage whose access tokens, in one place:
 * - Everyone sees and manages their own tokens (a read-only token changes nothing, see policy).
 * - Service users' tokens: tokens:read to see, tokens:create / tokens:delete to manage.
 * - Nobody sees or manages another person's tokens, whatever their role.
 */
import type { Actor } from "@/lib/auth/actor";
import { assertCan, assertMayWrite } from "@/lib/auth/policy";
import { Forbidden } from "@/lib/errors";
import type { UserRecord } from "@/lib/users/records";

const ANOTHER_PERSON = "Only the person who owns these tokens can see or manage them, from their profile";

export function assertCanSeeTokens(actor: Actor, owner: UserRecord): void {
  if (owner.id === actor.userId) return;
  if (!owner.isServiceUser) throw new Forbidden(ANOTHER_PERSON);
  assertCan(actor, "tokens:read", "You don't have permission to see service users' tokens");
}

export function assertCanManageTokens(actor: Actor, owner: UserRecord, operation: "create" | "delete" = "create"): void {
  assertMayWrite(actor);
  if (owner.id === actor.userId) return;
  if (!owner.isServiceUser) throw new Forbidden(ANOTHER_PERSON);
  assertCan(actor, `tokens:${operation}`, "You don't have permission to manage service users' tokens");
}
