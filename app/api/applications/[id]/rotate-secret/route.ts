import { toApiApplicationWithSecret } from "@/lib/applications/api-shape";
import { rotateApplicationSecret } from "@/lib/applications/applications";
import { rotateApplicationSecretSchema } from "@/lib/applications/schemas";
import { fieldsOf, readCreate } from "@/lib/http/body";
import { apiActor } from "@/lib/sign-in/api-actor";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";

type Context = { params: Promise<{ id: string }> };

/** Only `replaces`: a misspelt field is refused (422), never a rotation that silently checks nothing. */
const fields = { writes: new Set(fieldsOf(rotateApplicationSecretSchema)), answers: new Set<string>() };

/** The body may be empty; `{"replaces": client_secret_id}` refuses (409) a secret rotated meanwhile. */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const input = await readCreate(request, rotateApplicationSecretSchema, fields);
  const { application, clientSecret } = await rotateApplicationSecret(actor, (await params).id, requestMeta(request.headers), input);
  return secretResponse(toApiApplicationWithSecret(application, clientSecret));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
