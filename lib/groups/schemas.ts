/** Input schemas for groups: one per input, shared by the dashboard's forms and the REST API. */
import { z } from "zod";
import { listParamsSchema } from "@/lib/http/list-params";

export const GROUP_NAME_MAX = 64;

export const groupNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(GROUP_NAME_MAX, `Name must be at most ${GROUP_NAME_MAX} characters`);

/** Body of POST /api/groups and PUT /api/groups/{id}, and of the create and rename forms. */
export const groupInputSchema = z.object({ name: groupNameSchema });
export type GroupInput = z.output<typeof groupInputSchema>;

/** List parameters of GET /api/groups (and the Groups page). */
export const groupFiltersSchema = listParamsSchema;
export type GroupFilters = z.output<typeof groupFiltersSchema>;
