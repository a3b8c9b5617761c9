/**
 * The list conventions of every collection endpoint: search, limit (≤ 1000),
 * offset. Without a limit a list is whole, as NetBird answers: a client that
 * doesn't page (NetBird's Terraform provider) must not silently lose rows.
 */
import { z } from "zod";
import { digitsOnly, queryNumber } from "./number-input";

export const MAX_PAGE_SIZE = 1000;

export const listParamsSchema = z.object({
  search: z.string().trim().max(200, "search must be at most 200 characters").optional(),
  limit: queryNumber(
    z
      .number({ error: digitsOnly("limit") })
      .int(digitsOnly("limit"))
      .min(1, "limit must be at least 1")
      .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`),
  ).optional(),
  offset: queryNumber(z.number({ error: digitsOnly("offset") }).int(digitsOnly("offset")).min(0, "offset must be 0 or more").default(0)),
});

export type ListParams = z.output<typeof listParamsSchema>;

/** One page of a list: from offset, up to limit items (all of the rest without a limit). */
export function pageOf<T>(items: T[], params: Pick<ListParams, "limit" | "offset">): T[] {
  return items.slice(params.offset, params.limit === undefined ? undefined : params.offset + params.limit);
}

export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/**
 * `sort=<key>&order=asc|desc` for a list whose sortable keys are `keys`: an
 * unknown key or order is a 422 naming what is allowed, never ignored.
 */
export function sortParamsSchema<const K extends readonly [string, ...string[]]>(keys: K) {
  return z.object({
    sort: z.enum(keys, { error: `sort must be one of: ${keys.join(", ")}` }).optional(),
    order: z.enum(SORT_ORDERS, { error: "order must be asc or desc" }).default("asc"),
  });
}
