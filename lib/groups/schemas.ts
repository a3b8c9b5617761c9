/** Input schemas for groups: one per input, shared by the dashboard's forms and the REST API. */
import { z } from "zod";
import { textError } from "@/lib/http/text-input";
import { hasUnsafeDisplayCharacters, NAME_UNSAFE_CHARACTERS } from "@/lib/format/display-text";
import { listParamsSchema } from "@/lib/http/list-params";
import { parseOrThrow } from "@/lib/http/validation";

export const GROUP_NAME_MAX = 64;

export const groupNameSchema = z
  .string({ error: textError("Name") })
  .trim()
  .min(1, "Name is required")
  .max(GROUP_NAME_MAX, `Name must be at most ${GROUP_NAME_MAX} characters`)
  .refine((name) => !hasUnsafeDisplayCharacters(name), NAME_UNSAFE_CHARACTERS);

/**
 * A list of group ids as people, invites and identity providers take it (`auto_groups`): each id a string of
 * at most 100 characters (ids are UUIDs; which exist is checked where the list is used: ./membership.ts), at
 * most 200 of them. Each rule says its own message (a schema-wide `error` would answer "must be strings" for a
 * too-long id too).
 */
export const groupIdListSchema = z
  .array(z.string({ error: "Group ids must be strings" }).max(100, "A group id is at most 100 characters"), { error: "auto_groups must be a list of group ids" })
  .max(200, "At most 200 groups");

const autoGroupsSchema = z.object({ auto_groups: groupIdListSchema });

/**
 * A person's groups as a change leaves them, held to groupIdListSchema (422 on auto_groups): the list sent, or
 * the dashboard's edit of the stored set (ticked and unticked) and the group page's add applied, which no
 * schema saw (review 10: they took any number of groups).
 */
export function autoGroupsWithinLimits(groupIds: string[]): string[] {
  return parseOrThrow(autoGroupsSchema, { auto_groups: groupIds }).auto_groups;
}

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
