/**
 * NetBird's audit events: the activity log in NetBird's Event shape, newest
 * first. Without `limit`, every event (as NetBird answers), streamed a batch at
 * a time (a log of millions never sits in memory); with `limit`/`offset`, one
 * page. Total in X-Total-Count when paging.
 */
import { eventFiltersSchema, filtersInput } from "@/lib/audit/event-filters";
import { assertCanReadActivity, eachActivityEvent, listEvents } from "@/lib/audit/events";
import { toNetbirdEvent, type PersonLookup } from "@/lib/audit/netbird-events";
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { tokenOwners } from "@/lib/tokens/queries";
import { usersSeenBy } from "@/lib/users/queries";
import type { ActivityEvent } from "@/lib/audit/events";
import type { Actor } from "@/lib/auth/actor";
import { currentCaller } from "@/lib/auth/current-caller";
import { queryParams } from "@/lib/http/query";
import { jsonArrayStream } from "@/lib/http/json-array-stream";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const params = filtersInput(queryParams(new URL(request.url)));
  const filters = parseOrThrow(eventFiltersSchema, params);
  const owners = await tokenOwners(actor);
  const tokenOwner = (id: string) => owners.get(id);
  // The people who initiated these events (a token's action is its owner's), read once per batch.
  const convert = async (batch: ActivityEvent[], reader: Actor = actor) => {
    const ids = batch.flatMap((e) => (e.actor.type === "token" && e.actor.id ? [owners.get(e.actor.id) ?? e.actor.id] : e.actor.id ? [e.actor.id] : []));
    const people = await usersSeenBy(reader, ids);
    const person: PersonLookup = (id) => people.get(id);
    return batch.map((e) => toNetbirdEvent(e, person, tokenOwner));
  };
  if (params.limit !== undefined) {
    const page = await listEvents(actor, filters);
    return Response.json(await convert(page.events), { headers: { "x-total-count": String(page.total) } });
  }
  // Checked now, so a refusal is an error response rather than a broken download.
  assertCanReadActivity(actor);
  let skip = filters.offset;
  // The stream outlives this request's check: each batch is read, and its people labelled, as the caller may now.
  // eachActivityEvent looks at the caller before each batch after the first; that one look's answer labels it.
  const caller = currentCaller(actor);
  let reader: Actor = actor;
  const look = async () => (reader = await caller());
  async function* converted() {
    for await (const batch of eachActivityEvent(actor, filters, look)) {
      const kept = batch.slice(skip);
      skip = Math.max(0, skip - batch.length);
      if (kept.length > 0) yield await convert(kept, reader);
    }
  }
  return new Response(jsonArrayStream(converted()), { headers: { "content-type": "application/json" } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
