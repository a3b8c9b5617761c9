/**
 * The body of `GET /api/users`: the caller's page of users in the API's shape
 * (./api-shape.ts) with the total in X-Total-Count. Here rather than in the
 * route so that the bench can measure the route's own work in process
 * (scripts/bench/users-route.ts).
 *
 * A kept page (./list-cache.ts: nothing was committed since it was read) also
 * keeps its encoded body, so a repeated request skips shaping and JSON: for a
 * page of 25 that was about 130 of the route's 175 µs of CPU in process. The
 * body depends on the clock only through sign-in locks (is_locked), so it is
 * reused until the first lock on the page ends; and on the caller only through
 * is_current, so it is kept for that caller alone (the page's key names the
 * caller anyway).
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/http/validation";
import { toApiUser } from "./api-shape";
import { listUsers, userFiltersSchema, type UserList } from "./queries";
import { queryParams } from "@/lib/http/query";

type Body = { userId: string; bytes: Uint8Array<ArrayBuffer>; untilMs: number };

/** Encoded bodies of kept pages (frozen, shared while kept); an entry goes when its page does. */
const bodies = new WeakMap<UserList, Body>();
const encoder = new TextEncoder();

function encodedBody(page: UserList, actor: Actor): Uint8Array<ArrayBuffer> {
  const nowMs = Date.now();
  const known = bodies.get(page);
  if (known && known.userId === actor.userId && nowMs < known.untilMs) return known.bytes;
  const bytes = encoder.encode(JSON.stringify(page.items.map((u) => toApiUser(u, actor))));
  // Only a kept page is asked for again as the same object.
  if (Object.isFrozen(page)) {
    let untilMs = Number.POSITIVE_INFINITY;
    for (const user of page.items) {
      const ends = user.lockedUntil?.getTime();
      if (ends !== undefined && ends > nowMs && ends < untilMs) untilMs = ends;
    }
    bodies.set(page, { userId: actor.userId, bytes, untilMs });
  }
  return bytes;
}

export async function usersListResponse(actor: Actor, url: URL): Promise<Response> {
  const filters = parseOrThrow(userFiltersSchema, queryParams(url));
  const page = await listUsers(actor, filters);
  return new Response(encodedBody(page, actor), {
    headers: { "content-type": "application/json", "x-total-count": String(page.total) },
  });
}
