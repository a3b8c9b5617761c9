/** Input schemas for managing users: one per input, shared by the forms and the REST API. */
import { z } from "zod";
import { ROLES } from "@/lib/db/schema";
import { groupIdListSchema } from "@/lib/groups/schemas";
import { factorProofSchema } from "@/lib/mfa/proof-schema";
import { newPasswordSchema } from "@/lib/passwords/policy";
import { blankIsNone, emailSchema, nameSchema, requiredNameSchema } from "./fields";
import { usernameSchema, usernameShapeSchema } from "./username-rule";

/** The primary role is a built-in one (NetBird's network_admin and billing_admin included); custom roles are given with PUT /api/users/{id}/roles. */
const roleSchema = z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` });
/** NetBird's Go client sends a nil list as null: that means no groups. */
const groupIdsSchema = groupIdListSchema
  .nullable()
  .transform((v) => v ?? []);
const optionalEmail = z.preprocess(blankIsNone, emailSchema.optional());
/** Left out: derived from the email's local part or the name (NetBird's clients don't send it). */
const optionalUsername = z.preprocess(blankIsNone, usernameSchema.optional());

export const createUserSchema = z.discriminatedUnion(
  "is_service_user",
  [
    z.object({
      is_service_user: z.literal(false).default(false),
      // usernames: optional when the admin gives a username instead (sites without email).
      email: optionalEmail,
      username: optionalUsername,
      /** usernames: a chosen first password (NetStacks' shape sends one); left out, one is generated and shown once. */
      password: newPasswordSchema.optional(),
      // Optional for people, as in NetBird (its client leaves it out): they are known by their email or username.
      name: nameSchema.optional().transform((v) => v ?? ""),
      role: roleSchema,
      auto_groups: groupIdsSchema.default([]),
    }),
    z.object({
      is_service_user: z.literal(true),
      name: requiredNameSchema,
      role: roleSchema,
      auto_groups: groupIdsSchema.default([]),
      email: z.undefined({ error: "Service users have no email" }).optional(),
      username: optionalUsername,
    }),
  ],
  { error: "is_service_user must be true or false" },
).superRefine((v, ctx) => {
  // usernames: a person is known by one of the two (a service user by its name).
  if (!v.is_service_user && !v.email && !v.username) {
    ctx.addIssue({ code: "custom", path: ["username"], message: "Enter an email or a username" });
  }
});
export type CreateUserInput = z.output<typeof createUserSchema>;

/**
 * usernames: POST /api/users also takes NetStacks' creation shape
 * `{"username","email"?,"display_name","password"?}` (a person with the
 * user role), recognised by `display_name`, and read as the NetBird shape.
 */
function fromNetStacksShape(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("display_name" in body)) return body;
  const { display_name, ...rest } = body as Record<string, unknown>;
  return { role: "user", ...rest, name: display_name, is_service_user: false };
}

export const createUserRequestSchema = z.preprocess(fromNetStacksShape, createUserSchema);

export const updateUserSchema = z.object({
  name: requiredNameSchema.optional(),
  email: emailSchema.optional(),
  // usernames: the owner and admins change anyone's (users:update); people their own when allowed (./own-username.ts).
  // A stored username may come back unchanged; a changed one is held to every rule by updateUser (assertSettableUsername).
  username: usernameShapeSchema.optional(),
  role: roleSchema,
  auto_groups: groupIdsSchema,
  is_blocked: z.boolean({ error: "is_blocked must be true or false" }),
  // Whether the address is proven (what apps are told as email_verified); setting it vouches for it (./rules.ts).
  email_verified: z.boolean({ error: "email_verified must be true or false" }).optional(),
});
export type UpdateUserInput = z.output<typeof updateUserSchema>;

/** PUT /api/users/{id}: an owner signed in with a session cookie adds the proof it's them to transfer ownership (./lifecycle.ts). */
export const updateUserRequestSchema = updateUserSchema.extend(factorProofSchema.partial().shape);
