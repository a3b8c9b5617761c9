import { apiActor } from "@/lib/http/api-actor";
import { apiRoute, pagination } from "@/lib/http/route";
import { toApiUser } from "@/lib/users/api-shape";
import { listUsers } from "@/lib/users/queries";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const url = new URL(request.url);
  const { items, total } = listUsers(actor, {
    search: url.searchParams.get("search") ?? undefined,
    ...pagination(url),
  });
  return Response.json(
    items.map((u) => toApiUser(u, actor)),
    { headers: { "x-total-count": String(total) } },
  );
});
