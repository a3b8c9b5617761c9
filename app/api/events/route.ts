import { eventFiltersSchema, filtersInput } from "@/lib/audit/event-filters";
import { listEvents, toApiEvent } from "@/lib/audit/events";
import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { otherMethods } from "@/lib/http/methods";
import { queryParams } from "@/lib/http/query";

/**
 * The activity log, newest first, with the Activity page's filters. Total in
 * X-Total-Count (exact up to 1,000 matches and for any plain date range; beyond, X-Total-Count-Exact: false), and
 * the next page (older events) in a Link header using the `before` cursor.
 */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const url = new URL(request.url);
  const filters = parseOrThrow(eventFiltersSchema, filtersInput(queryParams(url)));
  const page = await listEvents(actor, filters);
  const headers = new Headers({
    "x-total-count": String(page.total),
    "x-total-count-exact": String(page.totalExact),
  });
  const oldest = page.events.at(-1);
  if (oldest && page.hasOlder) {
    const next = new URL(url);
    next.searchParams.delete("offset");
    next.searchParams.delete("after");
    next.searchParams.set("before", String(oldest.seq));
    headers.set("link", `<${next.pathname}${next.search}>; rel="next"`);
  }
  return Response.json(page.events.map(toApiEvent), { headers });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
