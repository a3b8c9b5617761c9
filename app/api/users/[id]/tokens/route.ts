import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { toApiToken } from "@/lib/tokens/api-shape";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { withCreators } from "@/lib/tokens/creators";
import { listAccessTokens } from "@/lib/tokens/queries";
import { createTokenSchema } from "@/lib/tokens/schemas";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json((await withCreators(actor.accountId, await listAccessTokens(actor, (await params).id))).map(toApiToken));
});

/** {"name", "expires_in" (days, 1–365, default 30)} → the plain token, in this response only. */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const input = await readJson(request, createTokenSchema);
  const { plain, token } = await createAccessToken(actor, id, input, requestMeta(request.headers));
  return secretResponse({ plain_token: plain, personal_access_token: toApiToken(token) });
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
