import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { toApiInvite } from "@/lib/invites/api-shape";
import { resendInvite } from "@/lib/invites/invites";
import { resendInviteSchema } from "@/lib/invites/schemas";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

/** A fresh link by email to the invitee; the old link stops working. 412 when mail is not set up. */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { expires_in } = await readJson(request, resendInviteSchema);
  const { invite, emailQueued } = await resendInvite(actor, (await params).id, expires_in, requestMeta(request.headers));
  return Response.json(toApiInvite(invite, { emailQueued }));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
