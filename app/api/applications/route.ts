import { toApiApplication, toApiApplicationWithSecret } from "@/lib/applications/api-shape";
import { createApplication } from "@/lib/applications/applications";
import { listApplications } from "@/lib/applications/queries";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { apiActor } from "@/lib/sign-in/api-actor";
import { patchFields, readCreate } from "@/lib/http/body";
import { listParamsSchema } from "@/lib/http/list-params";
import { otherMethods } from "@/lib/http/methods";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { parseOrThrow } from "@/lib/http/validation";
import { queryParams } from "@/lib/http/query";
import { applicationSchema } from "@/lib/openapi/responses";

export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const params = parseOrThrow(listParamsSchema, queryParams(new URL(request.url)));
  const { items, total } = await listApplications(actor, params);
  return Response.json(items.map(toApiApplication), { headers: { "x-total-count": String(total) } });
});

const fields = patchFields(createApplicationSchema, applicationSchema);

export const POST = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const input = await readCreate(request, createApplicationSchema, fields);
  const { application, clientSecret } = await createApplication(actor, input, requestMeta(request.headers));
  return secretResponse(toApiApplicationWithSecret(application, clientSecret), { status: 201 });
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
