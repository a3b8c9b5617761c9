import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { releaseRetiredUsername } from "@/lib/users/retired-usernames";

type Context = { params: Promise<{ id: string }> };

/** The owner releases a held-back username before its 30 days are over: anyone may take it at once (404 if it isn't held). */
export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  await releaseRetiredUsername(actor, (await params).id, requestMeta(request.headers));
  return Response.json({});
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
