/**
 * Whom an actor may see, in one place: themselves always; people with
 * users:read; service users with service_users:read (service users are their
 * own module, as Team → Service users asks). Every read of users goes by it:
 * the list and its X-Total-Count (./list-query.ts), one user, the export, a
 * user's roles and tokens, and the names on other lists (./queries.ts
 * usersSeenBy). A user the actor may not see is "not found", never "forbidden".
 */
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";

export type UserVisibility = { people: boolean; serviceUsers: boolean };

export function userVisibility(actor: Actor): UserVisibility {
  return { people: can(actor, "users:read"), serviceUsers: can(actor, "service_users:read") };
}

/** Whether the actor may see anyone but themselves. */
export function seesOthers(actor: Actor): boolean {
  const sees = userVisibility(actor);
  return sees.people || sees.serviceUsers;
}

export function maySeeUser(actor: Actor, target: { id: string; isServiceUser: boolean }): boolean {
  if (target.id === actor.userId) return true;
  const sees = userVisibility(actor);
  return target.isServiceUser ? sees.serviceUsers : sees.people;
}
