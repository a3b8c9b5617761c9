import { assertCan } from "@/lib/auth/policy";
import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { getProvider } from "@/lib/idp/providers";
import { testProviderConnection } from "@/lib/idp/provider-test";
import { otherMethods } from "@/lib/http/methods";

type Context = { params: Promise<{ id: string }> };

/**
 * "Test connection" on the saved provider: its discovery document, then whether its token endpoint accepts the
 * stored client ID and secret (lib/idp/provider-test.ts). 200 with ok true/false and a message (on failure a
 * category, never what answered); `client_credentials` says how the credentials fared.
 */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const actor = await apiActor(request);
  // Before the lookup, as before: someone who may not test learns nothing of which ids exist.
  assertCan(actor, "settings:sign_in", "Only the owner can test identity providers");
  const provider = await getProvider(actor, (await params).id);
  const result = await testProviderConnection(actor, provider.id, { issuer: provider.issuer, client_id: provider.clientId, allow_internal_addresses: provider.allowInternalAddresses });
  if (!result.ok && result.field === "issuer") return Response.json({ ok: false, category: result.discovery.category, message: result.message });
  const { discovery, client } = result;
  const found = { issuer: discovery.issuer, authorization_endpoint: discovery.authorizationEndpoint, token_endpoint: discovery.tokenEndpoint, pkce_s256: discovery.pkce };
  const credentials = client ? { client_credentials: client.outcome, ...(client.outcome !== "accepted" && { client_credentials_message: client.message }) } : {};
  return Response.json(result.ok ? { ok: true, message: `Found ${discovery.issuer}`, ...found, ...credentials } : { ok: false, category: "invalid_client", message: result.message, ...found, ...credentials });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
