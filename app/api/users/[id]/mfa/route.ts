import { apiActor } from "@/lib/sign-in/api-actor";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { resetTwoFactor } from "@/lib/mfa/admin";

type Context = { params: Promise<{ id: string }> };

/** Reset two-factor sign-in: every factor and recovery code goes, and the user's sessions end. */
export const DELETE = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { sessionsEnded } = await resetTwoFactor(actor, (await params).id, requestMeta(request.headers));
  return Response.json({ sessions_ended: sessionsEnded });
});

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
