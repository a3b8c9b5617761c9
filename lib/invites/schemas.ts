/** Input schemas for invites, shared by the dashboard forms and the REST API. */
import { z } from "zod";
import { ROLES } from "@/lib/db/schema";
import { newPasswordSchema } from "@/lib/passwords/policy";
import { emailSchema, nameSchema } from "@/lib/users/fields";

export const INVITE_EXPIRY = { minSeconds: 3600, maxSeconds: 30 * 86400, defaultSeconds: 3 * 86400 } as const;

const expiresInSchema = z
  .number({ error: "expires_in must be a number of seconds" })
  .int("expires_in must be a whole number of seconds")
  .min(INVITE_EXPIRY.minSeconds, "expires_in must be at least 3600 seconds (1 hour)")
  .max(INVITE_EXPIRY.maxSeconds, "expires_in must be at most 2592000 seconds (30 days)");

export const createInviteSchema = z.object({
  email: emailSchema,
  name: nameSchema.min(1, "Name is required"),
  role: z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` }),
  auto_groups: z
    .array(z.string({ error: "Group ids must be strings" }).max(100), { error: "auto_groups must be a list of group ids" })
    .max(200)
    .default([]),
  expires_in: expiresInSchema.default(INVITE_EXPIRY.defaultSeconds),
});
export type CreateInviteInput = z.output<typeof createInviteSchema>;

export const regenerateInviteSchema = z.object({
  expires_in: expiresInSchema.default(INVITE_EXPIRY.defaultSeconds),
});

export const acceptInviteSchema = z.object({ password: newPasswordSchema });
