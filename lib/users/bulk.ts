/**
 * Block, unblock or delete several users at once (Team → Users' bulk
 * actions). Each user is its own unit of work through the same service
 * function as the single action, so every rule applies per user (the owner
 * and yourself are refused with the rule's reason) and one refusal doesn't
 * undo the others. The result names what happened to each.
 */
import "server-only";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { DomainError } from "@/lib/errors";
import { deleteUser, setUserBlocked } from "./lifecycle";

export const BULK_USER_ACTIONS = ["block", "unblock", "delete"] as const;
export type BulkUserAction = (typeof BULK_USER_ACTIONS)[number];

/** More than a page (25) and less than would keep a request busy for long. */
export const MAX_BULK_USERS = 100;

export const bulkUsersSchema = z.object({
  action: z.enum(BULK_USER_ACTIONS, { error: `action must be one of: ${BULK_USER_ACTIONS.join(", ")}` }),
  user_ids: z
    .array(z.string().min(1).max(100), { error: "user_ids must be a list of user ids" })
    .min(1, "Select at least one user")
    .max(MAX_BULK_USERS, `At most ${MAX_BULK_USERS} users at once`),
});
export type BulkUsersInput = z.output<typeof bulkUsersSchema>;

export const bulkUsersResponseSchema = z.object({
  results: z.array(
    z.object({ id: z.string(), ok: z.boolean(), code: z.number().int().optional(), message: z.string().optional() }),
  ),
});

export type BulkUserResult = { id: string; ok: true } | { id: string; ok: false; code: number; message: string };

export async function bulkUpdateUsers(actor: Actor, input: BulkUsersInput, meta: RequestMeta): Promise<BulkUserResult[]> {
  // Someone who may manage nobody gets one refusal, not one per row.
  // Each row's own rules apply too (deleteUser, setUserBlocked); this refuses a caller who may do none of them.
  assertCan(actor, input.action === "delete" ? "users:delete" : "users:block");
  const results: BulkUserResult[] = [];
  for (const id of new Set(input.user_ids)) {
    try {
      if (input.action === "delete") await deleteUser(actor, id, meta);
      else await setUserBlocked(actor, id, input.action === "block", meta);
      results.push({ id, ok: true });
    } catch (err) {
      // Only the rules' refusals are a row's result; anything else is a fault of the request.
      if (!(err instanceof DomainError)) throw err;
      results.push({ id, ok: false, code: err.status, message: err.message });
    }
  }
  return results;
}
