import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { toApiInvite } from "@/lib/invites/api-shape";
import { regenerateInvite } from "@/lib/invites/invites";
import { regenerateInviteSchema } from "@/lib/invites/schemas";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { expires_in } = await readJson(request, regenerateInviteSchema);
  const { invite, token } = await regenerateInvite(actor, (await params).id, expires_in, requestMeta(request.headers));
  return secretResponse(toApiInvite(invite, { token }));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
