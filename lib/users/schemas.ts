/** Input schemas for managing users: one per input, shared by the forms and the REST API. */
import { z } from "zod";
import { ROLES } from "@/lib/db/schema";
import { emailSchema, nameSchema } from "./fields";

/** The primary role is a built-in one (NetBird's network_admin and billing_admin included); custom roles are given with PUT /api/users/{id}/roles. */
const roleSchema = z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` });
/** NetBird's Go client sends a nil list as null: that means no groups. */
const groupIdsSchema = z
  .array(z.string({ error: "Group ids must be strings" }).max(100), { error: "auto_groups must be a list of group ids" })
  .max(200, "At most 200 groups")
  .nullable()
  .transform((v) => v ?? []);
const requiredName = nameSchema.min(1, "Name is required");

export const createUserSchema = z.discriminatedUnion(
  "is_service_user",
  [
    z.object({
      is_service_user: z.literal(false).default(false),
      email: emailSchema,
      // Optional for people, as in NetBird (its client leaves it out): they are known by their email.
      name: nameSchema.optional().transform((v) => v ?? ""),
      role: roleSchema,
      auto_groups: groupIdsSchema.default([]),
    }),
    z.object({
      is_service_user: z.literal(true),
      name: requiredName,
      role: roleSchema,
      auto_groups: groupIdsSchema.default([]),
      email: z.undefined({ error: "Service users have no email" }).optional(),
    }),
  ],
  { error: "is_service_user must be true or false" },
);
export type CreateUserInput = z.output<typeof createUserSchema>;

export const updateUserSchema = z.object({
  name: requiredName.optional(),
  email: emailSchema.optional(),
  role: roleSchema,
  auto_groups: groupIdsSchema,
  is_blocked: z.boolean({ error: "is_blocked must be true or false" }),
});
export type UpdateUserInput = z.output<typeof updateUserSchema>;
