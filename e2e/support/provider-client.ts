/**
 * An app talking to Latchkey's OpenID provider from the API specs: register it through
 * /api/applications, authenticate with HTTP Basic, and post forms to the provider's endpoints
 * as a client at a given (forwarded) address.
 */
import { expect } from "@playwright/test";
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
