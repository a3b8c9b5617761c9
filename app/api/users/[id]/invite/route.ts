/**
 * NetBird's "resend invitation". In Latchkey a person who hasn't joined yet is
 * a pending invite, not a user, so the id is the invite's: the answer is a
 * fresh link (the old one stops working) with the default lifetime.
 */
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { toApiInvite } from "@/lib/invites/api-shape";
import { regenerateInvite } from "@/lib/invites/invites";
import { INVITE_EXPIRY } from "@/lib/invites/schemas";

type Context = { params: Promise<{ id: string }> };

export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { invite, token } = await regenerateInvite(actor, (await params).id, INVITE_EXPIRY.defaultSeconds, requestMeta(request.headers));
  return secretResponse(toApiInvite(invite, { token }));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
