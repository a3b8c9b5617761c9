/**
 * Where an activity event's actor or target can be opened: the user's (or
 * service user's) page, the group's page, the page of the person a token
 * belongs to — only while it still exists and the viewer may see it. Read
 * once per page of events, for the parties on it. It knows the dashboard's
 * paths, so it sits with the Activity page, above the services it asks.
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { partyKey, type ActivityEvent, type PartyLinks } from "@/lib/audit/events";
import { groupNamesFor } from "@/lib/groups/queries";
import { tokenOwners } from "@/lib/tokens/queries";
import { usersSeenBy } from "@/lib/users/queries";

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
