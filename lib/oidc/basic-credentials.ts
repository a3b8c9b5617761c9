/**
 * HTTP Basic client credentials at the provider's client-authenticating endpoints: read once here, for the guessing
 * limits' read-ahead (./attempt-limits.ts) and for clients that name themselves by Basic with an empty secret.
 *
 * oidc-agent (Debian's oidc-agent-cli, review 27) sends every request of a client registered without a secret
 * with `Authorization: Basic base64(client_id ":")`, and leaves client_id out of the body of some of them (the device
 * code poll, the code exchange). oidc-provider refuses an empty Basic secret ("client_secret must be provided"), so
 * such a CLI could not use a Latchkey device or single-page app at all. An empty secret proves nothing, so the header
 * is read as what it carries: the client_id alone, in the body, as a client without a secret sends it (RFC 6749
 * §2.3.1, RFC 8628 §3.1). The provider then authenticates the client as ever: an app registered with a secret is
 * refused (it must present its secret), and the guessing limits count that failure.
 */
import "server-only";
import querystring from "node:querystring";
import type { KoaContextWithOIDC } from "oidc-provider";
import getRawBody from "raw-body";
import { textProblem } from "@/lib/http/well-formed-text";
import { PROVIDER_ROUTES } from "./paths";

/** Where apps authenticate (client_id and, for a web app, its secret): the token, introspection, revocation and device authorization endpoints. */
export const CLIENT_AUTH_ENDPOINTS: ReadonlySet<string> = new Set([
  PROVIDER_ROUTES.token,
  PROVIDER_ROUTES.introspection,
  PROVIDER_ROUTES.revocation,
  PROVIDER_ROUTES.device_authorization,
]);

/**
 * The most of a form read here: oidc-provider's own limit for the bodies it reads (lib/shared/selective_body.js), so
 * a huge body with an empty Basic secret is refused as the provider refuses it, never held whole in memory.
 */
export const FORM_BODY_LIMIT = "56kb";

/** Longer client_ids in a Basic header are not read here (the provider reads them itself). */
const MAX_CLIENT_ID = 256;

/** HTTP Basic client credentials (`Basic base64(urlencoded id ":" urlencoded secret)`), when well formed. */
export function basicCredentials(authorization: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^basic +([A-Za-z0-9+/=]+)$/i.exec(authorization ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon > MAX_CLIENT_ID * 3) return undefined;
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, "%20"));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, "%20"));
    // A NUL can't be in a counter's key on PostgreSQL; no app has such an id (./provider.ts refuses it).
    return clientId.length <= MAX_CLIENT_ID && textProblem(clientId) === undefined ? { clientId, secret } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The provider middleware that reads `Basic base64(client_id ":")` (an empty secret) at the client-authenticating
 * endpoints as the client_id in the form, the header dropped. A form naming another client_id is left as it came
 * (the provider refuses the mismatch). The provider reads the form from the request as given here (its documented
 * way to take a body read before it).
 */
export function emptyBasicSecretAsClientId() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.method !== "POST" || !CLIENT_AUTH_ENDPOINTS.has(ctx.path) || !ctx.is("application/x-www-form-urlencoded")) return next();
    const credentials = basicCredentials(ctx.get("authorization"));
    if (!credentials || credentials.secret !== "") return next();
    let body: string;
    try {
      body = await getRawBody(ctx.req, { length: ctx.request.length, limit: FORM_BODY_LIMIT, encoding: ctx.charset || "utf-8" });
    } catch {
      // Too large, cut short or in an unknown charset: answered in OAuth's shape, as the provider answers its own read.
      ctx.status = 400;
      ctx.set("Cache-Control", "no-store");
      ctx.body = { error: "invalid_request", error_description: "failed to parse the request body" };
      return;
    }
    const form = querystring.parse(body);
    if (form.client_id === undefined || form.client_id === credentials.clientId) {
      form.client_id = credentials.clientId;
      delete ctx.req.headers.authorization;
    }
    (ctx.req as typeof ctx.req & { body?: string }).body = querystring.stringify(form);
    return next();
  };
}
