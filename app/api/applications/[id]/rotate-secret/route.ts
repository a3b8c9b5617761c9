import { toApiApplicationWithSecret } from "@/lib/applications/api-shape";
import { rotateApplicationSecret } from "@/lib/applications/applications";
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";

type Context = { params: Promise<{ id: string }> };

export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { application, clientSecret } = await rotateApplicationSecret(actor, (await params).id, requestMeta(request.headers));
  return secretResponse(toApiApplicationWithSecret(application, clientSecret));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
