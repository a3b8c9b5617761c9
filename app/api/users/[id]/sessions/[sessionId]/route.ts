import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { endSession } from "@/lib/sessions/revoke";

type Context = { params: Promise<{ id: string; sessionId: string }> };

/** Ends one session of the user (theirs to end, or an admin's: lib/users/rules.ts assertCanRevokeSessions). */
export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id, sessionId } = await params;
  await endSession(actor, id, sessionId, requestMeta(request.headers));
  return Response.json({});
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
