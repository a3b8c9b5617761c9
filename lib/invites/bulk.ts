/**
 * Delete or regenerate several pending invites at once (the invites list's
 * bulk actions). Each invite is its own unit of work through the same service
 * function as the single action (deleteInvite, regenerateInvite), so every
 * rule and permission applies per invite and one refusal doesn't undo the
 * others. Regenerating gives each invite a new link (shown once), exactly as
 * the single Regenerate does.
 */
import "server-only";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { DomainError } from "@/lib/errors";
import { deleteInvite, regenerateInvite } from "./invites";
import { regenerateInviteSchema } from "./schemas";

export const BULK_INVITE_ACTIONS = ["delete", "regenerate"] as const;
export type BulkInviteAction = (typeof BULK_INVITE_ACTIONS)[number];

/** As for users: more than a page, less than would keep a request busy for long. */
export const MAX_BULK_INVITES = 100;

export const bulkInvitesSchema = z.object({
  action: z.enum(BULK_INVITE_ACTIONS, { error: `action must be one of: ${BULK_INVITE_ACTIONS.join(", ")}` }),
  invite_ids: z
    .array(z.string().min(1).max(100), { error: "invite_ids must be a list of invite ids" })
    .min(1, "Select at least one invite")
    .max(MAX_BULK_INVITES, `At most ${MAX_BULK_INVITES} invites at once`),
  /** regenerate: how long the new links stay valid, in seconds, exactly as the single regenerate's `expires_in` (0 or absent: 72 hours). */
  expires_in: regenerateInviteSchema.shape.expires_in,
});
export type BulkInvitesInput = z.output<typeof bulkInvitesSchema>;

export const bulkInvitesResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      ok: z.boolean(),
      /** regenerate: the new link's token (shown once) and when it expires. */
      invite_token: z.string().optional(),
      invite_expires_at: z.string().optional(),
      code: z.number().int().optional(),
      message: z.string().optional(),
    }),
  ),
});

export type BulkInviteResult =
  | { id: string; ok: true; token?: string; expiresAt?: Date }
  | { id: string; ok: false; code: number; message: string };

export async function bulkUpdateInvites(actor: Actor, input: BulkInvitesInput, meta: RequestMeta): Promise<BulkInviteResult[]> {
  // Someone who may do none of it gets one refusal, not one per row; each row's own checks follow.
  assertCan(actor, input.action === "delete" ? "invites:delete" : "invites:create");
  const results: BulkInviteResult[] = [];
  for (const id of new Set(input.invite_ids)) {
    try {
      if (input.action === "delete") {
        await deleteInvite(actor, id, meta);
        results.push({ id, ok: true });
      } else {
        // As the single Regenerate: the chosen expiry (or its default), a new link, the old one stops working.
        const { invite, token } = await regenerateInvite(actor, id, input.expires_in, meta);
        results.push({ id, ok: true, token, expiresAt: invite.expiresAt });
      }
    } catch (err) {
      // Only the rules' refusals are a row's result; anything else is a fault of the request.
      if (!(err instanceof DomainError)) throw err;
      results.push({ id, ok: false, code: err.status, message: err.message });
    }
  }
  return results;
}

/** The API's shape of a row's result (snake_case, NetBird style). */
export function toApiBulkResult(r: BulkInviteResult) {
  if (!r.ok) return r;
  return r.token ? { id: r.id, ok: true, invite_token: r.token, invite_expires_at: r.expiresAt?.toISOString() } : { id: r.id, ok: true };
}
