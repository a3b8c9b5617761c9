import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { unlockUser } from "@/lib/users/sign-in-lock";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

/** Ends a sign-in lock (too many failed attempts) and the waiting delays on the user's email. */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json(await unlockUser(actor, (await params).id, requestMeta(request.headers)));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
