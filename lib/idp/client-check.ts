/**
 * Whether a provider accepts the client ID and secret, for "Test connection" and the owner's-only-way-in save
 * check (./provider-test.ts, ./providers.ts): discovery alone can't tell a mistyped secret, which then fails
 * every sign-in. After discovery, the token endpoint is sent an authorization-code request with a code that
 * can't be valid, authenticated as the sign-in authenticates (SIGN_IN_CLIENT_AUTH). A server authenticates the
 * client before it looks at the code: `invalid_client` (or a 401) means the credentials are wrong; another 400
 * (`invalid_grant`, …) means they were accepted and only the code was refused. Anything else (no answer, a 5xx,
 * a refused address, a token for a code that can't be valid) checks nothing, and says so without failing.
 *
 * oauth4webapi (the library under Auth.js, as for discovery) makes the request and reads the answer; the
 * request goes through the outbound address guard with the provider's address policy, as discovery does.
 */
import "server-only";
import crypto from "node:crypto";
import * as oauth from "oauth4webapi";
import type { MessageRef } from "@/lib/errors";
import { guardedFetch, type AddressPolicy } from "@/lib/security/outbound-guard";
import { DISCOVERY_TIMEOUT_MS, type DiscoveryResult } from "./discovery";

/** How the sign-in authenticates to a provider's token endpoint: Auth.js's default, which lib/sign-in/oidc-providers.ts names. */
export const SIGN_IN_CLIENT_AUTH = "client_secret_basic";

export type ClientCheck =
  | { outcome: "accepted" }
  | { outcome: "rejected" | "unchecked"; message: string; /** The message's catalog entry, for the form. */ ref: MessageRef };

const REJECTED = "The client ID or secret is wrong: the provider's token endpoint refused them. Copy both again from the provider.";
const UNCHECKED = "Couldn't check the client ID and secret: the provider's token endpoint gave no clear answer. Sign in once to be sure.";

const rejected: ClientCheck = { outcome: "rejected", message: REJECTED, ref: { key: "clientCredentialsWrong" } };
const unchecked: ClientCheck = { outcome: "unchecked", message: UNCHECKED, ref: { key: "clientCredentialsUnchecked" } };

/** The provider's answer to a code that can't be valid, read by the library. */
async function judge(as: oauth.AuthorizationServer, client: oauth.Client, response: Response): Promise<ClientCheck> {
  try {
    await oauth.processGenericTokenEndpointResponse(as, client, response);
    // Tokens for a made-up code: nothing can be concluded from such a server.
    return unchecked;
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) {
      if (err.error === "invalid_client" || err.status === 401) return rejected;
      return err.status === 400 ? { outcome: "accepted" } : unchecked;
    }
    // A 401 with an authentication challenge, or without a readable body.
    return response.status === 401 ? rejected : unchecked;
  }
}

/** Sends the probe to the token endpoint `discovery` named; never throws. */
export async function checkClientCredentials(
  discovery: DiscoveryResult & { ok: true },
  credentials: { clientId: string; clientSecret: string },
  options: { policy: AddressPolicy; redirectUri: string | null; timeoutMs?: number },
): Promise<ClientCheck> {
  const as = discovery.document as unknown as oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: credentials.clientId, token_endpoint_auth_method: SIGN_IN_CLIENT_AUTH };
  // As complete as the sign-in's own request, so that a server checking the request's shape first still gets to the client.
  const parameters = new URLSearchParams({ code: crypto.randomBytes(32).toString("base64url"), code_verifier: oauth.generateRandomCodeVerifier() });
  if (options.redirectUri) parameters.set("redirect_uri", options.redirectUri);
  try {
    const response = await oauth.genericTokenEndpointRequest(as, client, oauth.ClientSecretBasic(credentials.clientSecret), "authorization_code", parameters, {
      signal: AbortSignal.timeout(options.timeoutMs ?? DISCOVERY_TIMEOUT_MS),
      // Discovery already refused plain http anywhere but this machine (./discovery.ts endpointIsSafe).
      [oauth.allowInsecureRequests]: new URL(discovery.tokenEndpoint).protocol === "http:",
      [oauth.customFetch]: guardedFetch(options.policy),
    });
    return await judge(as, client, response);
  } catch {
    return unchecked;
  }
}
