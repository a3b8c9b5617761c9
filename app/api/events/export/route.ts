import { eventFiltersSchema, exportQuerySchema, filtersInput } from "@/lib/audit/event-filters";
import { EXPORT_CONTENT_TYPES, exportEvents, exportFileName } from "@/lib/audit/export";
import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { onlyGetWithoutHead } from "@/lib/http/methods";
import { queryParams } from "@/lib/http/query";

const formatSchema = exportQuerySchema.pick({ format: true });

/** Every event matching the filters (not just one page), as a CSV or JSON Lines download. */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = filtersInput(queryParams(new URL(request.url)));
  const { format } = parseOrThrow(formatSchema, { format: input.format });
  // Paging does not apply to an export: it is the whole filtered view.
  const filters = parseOrThrow(eventFiltersSchema, { ...input, limit: undefined, offset: undefined, before: undefined, after: undefined });
  return new Response(exportEvents(actor, filters, format), {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${exportFileName(format)}"`,
      "cache-control": "no-store",
    },
  });
});

export const { POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = onlyGetWithoutHead();
