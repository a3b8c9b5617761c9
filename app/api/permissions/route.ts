import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { permissionCatalogue } from "@/lib/roles/queries";

/** The permission catalogue with descriptions: anyone signed in may read it (it says what exists, not who holds it). */
export const GET = apiRoute(async (request) => {
  await apiActor(request);
  return Response.json(permissionCatalogue());
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
