import { apiActor } from "@/lib/sign-in/api-actor";
import { onlyGetWithoutHead } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { parseOrThrow } from "@/lib/http/validation";
import { exportUsers, usersExportFileName } from "@/lib/users/export";
import { userFiltersSchema } from "@/lib/users/queries";
import { queryParams } from "@/lib/http/query";

/** Every user matching the list's filters, search and sort (not one page), as a CSV download. */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const filters = parseOrThrow(userFiltersSchema, { ...queryParams(new URL(request.url)), limit: undefined, offset: undefined });
  return new Response(await exportUsers(actor, filters, requestMeta(request.headers)), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${usersExportFileName()}"`,
      "cache-control": "no-store",
    },
  });
});

export const { POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = onlyGetWithoutHead();
