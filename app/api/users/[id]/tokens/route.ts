import { apiActor } from "@/lib/sign-in/api-actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { secretResponse } from "@/lib/http/secret-response";
import { toApiToken } from "@/lib/tokens/api-shape";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { withCreators } from "@/lib/tokens/creators";
import { listAccessTokens } from "@/lib/tokens/queries";
import { createTokenRequestSchema } from "@/lib/tokens/schemas";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  return Response.json((await withCreators(actor.accountId, await listAccessTokens(actor, (await params).id))).map(toApiToken));
});

/**
 * {"name", "expires_in" (days, 1–365, default 30), "permissions"?} → the plain token, in this response only.
 * A signed-in person creating their own adds the proof it's them: "password" (or "code" from their
 * authenticator app when they have no password).
 */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  const { id } = await params;
  const { password, code, ...input } = await readJson(request, createTokenRequestSchema);
  const { plain, token } = await createAccessToken(actor, id, input, requestMeta(request.headers), { password, code });
  return secretResponse({ plain_token: plain, personal_access_token: toApiToken(token) });
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
