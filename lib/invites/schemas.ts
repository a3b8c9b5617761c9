/** Input schemas for invites, shared by the dashboard forms and the REST API. */
import { z } from "zod";
import { ROLES } from "@/lib/db/schema";
import { groupIdListSchema } from "@/lib/groups/schemas";
import { newPasswordSchema } from "@/lib/passwords/policy";
import { blankIsNone, emailSchema, requiredNameSchema } from "@/lib/users/fields";
import { usernameSchema, usernameShapeSchema } from "@/lib/users/username-rule";

export const INVITE_EXPIRY = { minSeconds: 3600, maxSeconds: 365 * 86400, defaultSeconds: 3 * 86400 } as const;

/** Seconds; 0 or absent means the default (72 hours), as in NetBird. */
const expiresInSchema = z
  .number({ error: "expires_in must be a number of seconds" })
  .int("expires_in must be a whole number of seconds")
  .refine((v) => v === 0 || v >= INVITE_EXPIRY.minSeconds, "expires_in must be at least 3600 seconds (1 hour), or 0 for the default")
  .refine((v) => v <= INVITE_EXPIRY.maxSeconds, "expires_in must be at most 31536000 seconds (365 days)")
  .optional()
  .transform((v) => (v ? v : INVITE_EXPIRY.defaultSeconds));

export const createInviteSchema = z.object({
  // usernames: optional for a link the admin hands over (then the invitee picks the username); needed to send it by email.
  email: z.preprocess(blankIsNone, emailSchema.optional()),
  // usernames: the invitee's username, chosen by the admin; left out, the invitee picks it on the invite page.
  username: z.preprocess(blankIsNone, usernameSchema.optional()),
  name: requiredNameSchema,
  role: z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` }),
  auto_groups: groupIdListSchema
    // NetBird's Go client sends a nil list as null: no groups.
    .nullish()
    .transform((v) => v ?? []),
  expires_in: expiresInSchema,
  /** email: send the link to the invitee by email (412 when mail is not set up). */
  send_email: z.boolean({ error: "send_email must be true or false" }).default(false),
}).superRefine((v, ctx) => {
  if (v.send_email && !v.email) ctx.addIssue({ code: "custom", path: ["email"], message: "Enter an email to send the invite by email" });
});
export type CreateInviteInput = z.output<typeof createInviteSchema>;

export const regenerateInviteSchema = z.object({
  expires_in: expiresInSchema,
});

/** email: Resend — a fresh link by email (the old one stops working). */
export const resendInviteSchema = z.object({
  expires_in: expiresInSchema,
});

export const acceptInviteSchema = z.object({
  password: newPasswordSchema,
  // usernames: chosen on the invite page (prefilled from the email); left out, derived from the email. The
  // page sends the invite's own username back when it names one (kept as the admin set it, even from before
  // the look-alike rules); one the invitee picks is held to every rule at accept (assertSettableUsername).
  username: z.preprocess(blankIsNone, usernameShapeSchema.optional()),
});
