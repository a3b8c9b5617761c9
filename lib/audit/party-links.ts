/**
 * Where an activity event's actor or target can be opened: the user's (or
 * service user's) page, the group's page, the page of the person a token
 * belongs to — only while it still exists and the viewer may see it. Read
 * once per page of events, for the parties on it; and the names of the groups
 * the events' details list by id.
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { groupNamesById } from "@/lib/groups/membership";
import { groupNamesFor } from "@/lib/groups/queries";
import { tokenOwners } from "@/lib/tokens/queries";
import { usersSeenBy } from "@/lib/users/queries";
import { assertCanReadActivity, type ActivityEvent } from "./events";

/** `${type}:${id}` → the page to open; parties not listed have none (gone, hidden, or no page). */
export type PartyLinks = Map<string, string>;

export const partyKey = (type: string, id: string) => `${type}:${id}`;

export async function partyLinks(actor: Actor, events: ActivityEvent[]): Promise<PartyLinks> {
  const parties = events.flatMap((e) => [e.actor, e.target]).filter((p): p is NonNullable<typeof p> & { id: string } => !!p?.id);
  const ids = (type: string) => new Set(parties.filter((p) => p.type === type).map((p) => p.id));
  const tokenIds = ids("token");
  const [groups, owners] = await Promise.all([ids("group").size > 0 ? groupNamesFor(actor) : new Map<string, string>(), tokenIds.size > 0 ? tokenOwners(actor) : new Map<string, string>()]);
  const ownerOf = new Map([...tokenIds].flatMap((id) => (owners.has(id) ? [[id, owners.get(id)!] as const] : [])));
  const people = await usersSeenBy(actor, new Set([...ids("user"), ...ownerOf.values()]));
  const pageOf = (userId: string) => {
    const user = people.get(userId);
    return user ? `/team/${user.isServiceUser ? "service-users" : "users"}/${userId}` : null;
  };
  const links: PartyLinks = new Map();
  for (const id of ids("user")) {
    const href = pageOf(id);
    if (href) links.set(partyKey("user", id), href);
  }
  for (const id of ids("group")) if (groups.has(id)) links.set(partyKey("group", id), `/team/groups/${id}`);
  for (const [tokenId, userId] of ownerOf) {
    const href = pageOf(userId);
    if (href) links.set(partyKey("token", tokenId), href);
  }
  return links;
}

/**
 * Every group of the account as id → name, to name the groups an event's details list by id (a user's
 * auto_groups before and after, say). Anyone who may read the log gets every name, also without groups:read
 * (a billing admin); the links above are what follows which groups the viewer may see.
 */
export async function eventGroupNames(actor: Actor): Promise<Map<string, string>> {
  assertCanReadActivity(actor);
  return groupNamesById(db(), actor.accountId);
}
