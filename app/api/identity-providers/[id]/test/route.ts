import { assertCan } from "@/lib/auth/policy";
import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { fetchDiscovery } from "@/lib/idp/discovery";
import { getProvider } from "@/lib/idp/providers";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

/**
 * "Test connection": fetches the provider's discovery document; 200 with ok
 * true/false and a message (on failure a category, never what answered).
 */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  assertCan(actor, "settings:sign_in", "Only the owner can test identity providers");
  const provider = await getProvider(actor, (await params).id);
  const result = await fetchDiscovery(provider.issuer, { allowInternal: provider.allowInternalAddresses });
  return Response.json(
    result.ok
      ? { ok: true, message: `Found ${result.issuer}`, issuer: result.issuer, authorization_endpoint: result.authorizationEndpoint, token_endpoint: result.tokenEndpoint, pkce_s256: result.pkce }
      : { ok: false, category: result.category, message: result.message },
  );
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
