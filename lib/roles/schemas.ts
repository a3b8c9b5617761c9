/** Input schemas for roles: one per input, shared by the Settings → Roles forms and the REST API. */
import { z } from "zod";
import { textError } from "@/lib/http/text-input";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { isPermission, type Permission } from "@/lib/auth/permissions";

export const ROLE_NAME_MAX = 64;
export const ROLE_DESCRIPTION_MAX = 500;

/** A list of catalogue permission names; an unknown name is refused, never dropped. */
export const permissionListSchema = z
  .array(z.string({ error: "Each permission must be a name such as users:read" }), { error: "permissions must be a list" })
  .max(200, "Too many permissions")
  .superRefine((names, ctx) => {
    const unknown = names.filter((n) => !isPermission(n));
    if (unknown.length > 0) {
      const permissions = unknown.join(", ");
      ctx.addIssue({ code: "custom", message: `Unknown permission: ${permissions}`, params: { messageRef: { key: "unknownPermissions", params: { permissions } } } });
    }
  })
  .transform((names) => [...new Set(names)] as Permission[]);

/** Body of POST /api/roles and PUT /api/roles/{id}. */
export const roleInputSchema = z.object({
  name: z
    .string({ error: textError("Name") })
    .trim()
    .min(1, "Name is required")
    .max(ROLE_NAME_MAX, `Name must be at most ${ROLE_NAME_MAX} characters`)
    // One line of visible text, as people's and groups' names (lib/format/display-text.ts).
    .refine((name) => !hasUnsafeDisplayCharacters(name), "Name must not contain control characters"),
  description: z
    .string({ error: "Description must be text" })
    .trim()
    .max(ROLE_DESCRIPTION_MAX, `Description must be at most ${ROLE_DESCRIPTION_MAX} characters`)
    .default(""),
  permissions: permissionListSchema,
});
export type RoleInput = z.output<typeof roleInputSchema>;

/** Body of PUT /api/users/{id}/roles and PUT /api/groups/{id}/roles (NetStacks' shape). */
export const roleIdsSchema = z.object({
  role_ids: z
    .array(z.string({ error: "Each role id must be text" }).trim().min(1).max(64), { error: "role_ids must be a list" })
    .max(100, "Too many roles")
    .transform((ids) => [...new Set(ids)]),
});
export type RoleIdsInput = z.output<typeof roleIdsSchema>;
