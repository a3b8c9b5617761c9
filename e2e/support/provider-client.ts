/**
 * An app talking to Latchkey's OpenID provider from the specs: register it through
 * /api/applications, authenticate with HTTP Basic, post forms to the provider's endpoints
 * as a client at a given (forwarded) address, and start a sign-in as openid-client does.
 */
import { expect } from "@playwright/test";
import * as oidc from "openid-client";
import { call } from "./api";
import { noteSecret } from "./secrets";
import type { Instance } from "./server";

export type RegisteredApp = { id: string; client_id: string; client_secret?: string };

export async function registerApp(instance: Instance, auth: Record<string, string>, json: Record<string, unknown>): Promise<RegisteredApp> {
  const res = await call<RegisteredApp>(instance, "/api/applications", { method: "POST", headers: auth, json });
  expect(res.status, res.text).toBe(201);
  noteSecret(res.body.client_secret);
  return res.body;
}

export const basicAuth = (clientId: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;

export type ProviderAnswer = { status: number; body: { error?: string; error_description?: string; active?: boolean }; text: string; retryAfter: string | null };

/** A form POST to one of the provider's endpoints, as a client at `address`. */
export async function postForm(instance: Instance, path: string, address: string, form: Record<string, string>, authorization?: string): Promise<ProviderAnswer> {
  const res = await fetch(instance.url(path), {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": address,
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form),
  });
  const text = await res.text();
  let body: ProviderAnswer["body"] = {};
  try {
    body = JSON.parse(text);
  } catch {
    // HTML (the /device page)
  }
  return { status: res.status, body, text, retryAfter: res.headers.get("retry-after") };
}

/** An app's authorization request as openid-client makes it (PKCE S256, state, nonce), and the checks for its answer. */
export type StartedAuthorization = {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
  /** What authorizationCodeGrant checks the answer against (spread in maxAge where the request asked for one). */
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
};

/** Starts an app's sign-in: `params` are the request's own (redirect_uri, scope, prompt …); PKCE, state and nonce are added. */
export async function startAuthorization(config: oidc.Configuration, params: Record<string, string> & { redirect_uri: string; scope: string }): Promise<StartedAuthorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}
