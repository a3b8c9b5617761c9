/** Input schemas for groups: one per input, shared by the dashboard's forms and the REST API. */
import { z } from "zod";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { listParamsSchema } from "@/lib/http/list-params";

export const GROUP_NAME_MAX = 64;

export const groupNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(GROUP_NAME_MAX, `Name must be at most ${GROUP_NAME_MAX} characters`)
  // One line of visible text, as people's and roles' names (lib/format/display-text.ts): apps get it in the groups claim.
  .refine((name) => !hasUnsafeDisplayCharacters(name), "Name must not contain control characters");

/**
 * NetBird's group requests carry peers and network resources. Latchkey has
 * neither, so an empty list (or none) is accepted and anything in it refused,
 * rather than silently dropped.
 */
const noneOf = (field: string) =>
  z
    .array(z.unknown(), { error: `${field} must be a list` })
    .max(0, `Latchkey has no ${field}: send an empty list or leave ${field} out`)
    .nullish();

/** Body of POST /api/groups and PUT /api/groups/{id}, and of the create and rename forms. */
export const groupInputSchema = z.object({
  name: groupNameSchema,
  peers: noneOf("peers"),
  resources: noneOf("resources"),
});
export type GroupInput = z.output<typeof groupInputSchema>;

/** List parameters of GET /api/groups (and the Groups page). */
export const groupFiltersSchema = listParamsSchema.extend({
  /** Exact name (NetBird's GetByName): the one group of that name, or 404. */
  name: z.string().max(GROUP_NAME_MAX * 4).optional(),
});
export type GroupFilters = z.output<typeof groupFiltersSchema>;
