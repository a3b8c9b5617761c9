import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { listUsers, type UserFilters } from "@/lib/users/queries";

/**
 * The users list in the order asked for; a sort by name or email over more
 * users than can be decrypted to sort (lib/users/sort.ts) falls back to the
 * usual order, with the reason to show. Users and Service users both list
 * through it.
 */
export async function listSorted(actor: Actor, filters: UserFilters) {
  try {
    return { filters, list: await listUsers(actor, filters), sortRefused: null as string | null };
  } catch (err) {
    if (!(err instanceof Invalid) || !err.fieldErrors.sort) throw err;
    const unsorted = { ...filters, sort: undefined };
    return { filters: unsorted, list: await listUsers(actor, unsorted), sortRefused: err.fieldErrors.sort[0] as string | null };
  }
}
