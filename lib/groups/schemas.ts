/** Input schemas for groups: one per input, shared by the dashboard's forms and the REST API. */
import { z } from "zod";

export const GROUP_NAME_MAX = 64;

export const groupNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(GROUP_NAME_MAX, `Name must be at most ${GROUP_NAME_MAX} characters`);

/** Body of POST /api/groups and PUT /api/groups/{id}, and of the create and rename forms. */
export const groupInputSchema = z.object({ name: groupNameSchema });
export type GroupInput = z.output<typeof groupInputSchema>;

export const MAX_GROUP_PAGE_SIZE = 1000;

/** List parameters of GET /api/groups (and the Groups page). */
export const groupFiltersSchema = z.object({
  search: z.string().trim().max(200, "search must be at most 200 characters").optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(MAX_GROUP_PAGE_SIZE, `limit must be at most ${MAX_GROUP_PAGE_SIZE}`)
    .default(100),
  offset: z.coerce
    .number({ error: "offset must be a number" })
    .int("offset must be a whole number")
    .min(0, "offset must be 0 or more")
    .default(0),
});
export type GroupFilters = z.output<typeof groupFiltersSchema>;
