/**
 * Input schemas for applications (the OIDC provider's clients): one per input,
 * shared by the dashboard's forms and the REST API. Redirect URIs are compared
 * exactly by the provider (but for a public app's loopback IP literal, on any
 * port: lib/oidc/loopback-redirects.ts), so they are validated here as they will be matched:
 * absolute, https (http only on loopback), no fragment, no wildcard, no
 * credentials, and written as the address a browser goes to (ASCII: review 46).
 */
import { z } from "zod";
import { textError } from "@/lib/http/text-input";
import { APPLICATION_TYPES, ID_TOKEN_SIGNING_ALGS } from "@/lib/db/schema.sqlite";
import { httpsOrLoopback } from "@/lib/net/secure-url";
import type { MessageRef, ServerMessageKey } from "@/lib/errors";
import { hasUnsafeDisplayCharacters, NAME_UNSAFE_CHARACTERS } from "@/lib/format/display-text";
import { APPLICATION_ACCESS } from "./access";

export const APPLICATION_NAME_MAX = 100;
export const REDIRECT_URIS_MAX = 20;
export const REDIRECT_URI_MAX_LENGTH = 2000;
export const ALLOWED_GROUPS_MAX = 100;
export const ACCESS_TTL = { min: 60, max: 86_400, default: 600 } as const;
export const REFRESH_TTL = { min: 300, max: 31_536_000, default: 2_592_000 } as const;
/**
 * ID tokens are signed RS256 unless an app is registered for ES256: RS256 is OpenID Connect's
 * default (Core §3.1.3.7 and Registration §2: "The default, if omitted, is RS256") and the one
 * algorithm every relying party must verify; Keycloak, Auth0, Okta and Authentik default to it
 * too. Proxmox's openidconnect-rs and older libraries verify nothing else, so ES256 (smaller,
 * faster) is a choice for apps known to handle it.
 */
export const DEFAULT_ID_TOKEN_ALG = "RS256" as const;

/**
 * Whether an app of this type must send PKCE: the apps that sign in with the code flow and no client secret
 * (single-page / native). The provider demands it of every code flow without client authentication
 * (lib/oidc/provider.ts pkce.required); a device app has no code flow at all (the device code grant only:
 * lib/oidc/clients.ts), so PKCE never applies to it, and a web app authenticates with its secret (PKCE optional).
 */
export function pkceRequired(type: (typeof APPLICATION_TYPES)[number]): boolean {
  return type === "spa";
}

/** Why a redirect URI can't be registered: the English words after the address, and the catalog key of the whole sentence. */
type RedirectUriIssue = { problem: string; key: ServerMessageKey };

const NOT_ASCII = "must be written in plain ASCII, as the browser's address bar shows it: an internationalised host in its xn-- form, other characters percent-encoded";

const HTTPS_ONLY: RedirectUriIssue = { problem: "must use https:// (http:// only for 127.0.0.1, [::1] or localhost)", key: "redirectUriHttps" };

function redirectUriIssue(value: string): RedirectUriIssue | null {
  if (value.length === 0) return { problem: "is empty", key: "redirectUriEmpty" };
  if (value.length > REDIRECT_URI_MAX_LENGTH) return { problem: `is longer than ${REDIRECT_URI_MAX_LENGTH} characters`, key: "redirectUriTooLong" };
  if (/\s/.test(value)) return { problem: "contains a space", key: "redirectUriSpace" };
  // What the owner reads in the list must be where the code goes. oidc-provider compares the addresses as a browser
  // parses them (WHATWG URL), which turns a Cyrillic "а" into xn--pp-7ka.example, a backslash into a slash
  // ("app.example\@evil.example" is app.example) and drops a control character at either end: a URI is ASCII
  // (RFC 3986 §2), so an internationalised host is written in its xn-- form and other characters percent-encoded.
  if (value.includes("\\")) return { problem: "can't contain a backslash (\\): browsers read it as /", key: "redirectUriBackslash" };
  if (/[^\x21-\x7e]/.test(value)) return { problem: NOT_ASCII, key: "redirectUriNotAscii" };
  if (value.includes("#")) return { problem: "can't contain a fragment (#…)", key: "redirectUriFragment" };
  if (value.includes("*")) return { problem: "can't contain a wildcard: register each address exactly", key: "redirectUriWildcard" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: "must be an absolute address such as https://app.example.com/callback", key: "redirectUriNotAbsolute" };
  }
  if (url.username || url.password) return { problem: "can't contain a username or password", key: "redirectUriCredentials" };
  if (url.protocol === "https:") return url.hostname ? null : { problem: "must name a host", key: "redirectUriNoHost" };
  return httpsOrLoopback(url) ? null : HTTPS_ONLY;
}

/** Why a redirect URI can't be registered, or null when it can. Pure: shared by the form and the service. */
export function redirectUriProblem(value: string): string | null {
  return redirectUriIssue(value)?.problem ?? null;
}

function uriList(field: string) {
  return z
    .array(z.string({ error: `${field} must be a list of addresses` }), { error: `${field} must be a list of addresses` })
    .max(REDIRECT_URIS_MAX, `At most ${REDIRECT_URIS_MAX} addresses`)
    .superRefine((list, ctx) => {
      list.forEach((uri, i) => {
        const issue = redirectUriIssue(uri);
        if (!issue) return;
        const shown = uri.length > 80 ? `${uri.slice(0, 80)}…` : uri;
        // The sentence's catalog entry rides along (lib/http/validation keys it): a form says it in the person's language.
        const messageRef: MessageRef = { key: issue.key, params: { uri: shown, max: REDIRECT_URI_MAX_LENGTH } };
        ctx.addIssue({ code: "custom", message: `${shown || "An address"} ${issue.problem}`, params: { messageRef } });
      });
      if (new Set(list).size !== list.length) ctx.addIssue({ code: "custom", message: "An address is listed twice" });
    });
}

const ttl = (field: string, bounds: { min: number; max: number }, unit: string) =>
  z
    .number({ error: `${field} must be a number of seconds` })
    .int(`${field} must be a whole number of seconds`)
    .min(bounds.min, `${field} must be at least ${bounds.min} seconds`)
    .max(bounds.max, `${field} must be at most ${bounds.max} seconds (${unit})`);

const ACCESS_MESSAGE = `access must be one of ${APPLICATION_ACCESS.join(", ")}`;

const fields = {
  name: z
    .string({ error: textError("Name") })
    .trim()
    .min(1, "Name is required")
    .max(APPLICATION_NAME_MAX, `Name must be at most ${APPLICATION_NAME_MAX} characters`)
    // Everyone reads it on the consent and device pages: one line, no direction overrides (lib/format/display-text.ts).
    .refine((name) => !hasUnsafeDisplayCharacters(name), NAME_UNSAFE_CHARACTERS),
  redirect_uris: uriList("redirect_uris"),
  post_logout_redirect_uris: uriList("post_logout_redirect_uris"),
  allowed_groups: z
    .array(z.string({ error: "allowed_groups must be a list of group ids" }).max(100), { error: "allowed_groups must be a list of group ids" })
    .max(ALLOWED_GROUPS_MAX, `At most ${ALLOWED_GROUPS_MAX} groups`),
  access: z
    .enum(APPLICATION_ACCESS, { error: ACCESS_MESSAGE })
    .describe(
      'Who may sign in: "everyone", "groups" (members of allowed_groups) or "nobody". Left out: as it is when allowed_groups is left out or the same set as stored, else "groups" for a list of groups and "everyone" for []. "everyone" and "nobody" clear the stored groups (sent back, they are ignored) and take no group not stored; "groups" needs one.',
    ),
  access_token_ttl_seconds: ttl("access_token_ttl_seconds", ACCESS_TTL, "one day"),
  refresh_token_ttl_seconds: ttl("refresh_token_ttl_seconds", REFRESH_TTL, "one year"),
  require_consent: z.boolean({ error: "require_consent must be true or false" }),
  id_token_signed_response_alg: z.enum(ID_TOKEN_SIGNING_ALGS, { error: `id_token_signed_response_alg must be one of ${ID_TOKEN_SIGNING_ALGS.join(", ")}` }),
};

const TYPE_MESSAGE = `type must be one of ${APPLICATION_TYPES.join(", ")}`;

/** Body of POST /api/applications and of the "New application" dialog. */
export const createApplicationSchema = z
  .object({
    name: fields.name,
    type: z.enum(APPLICATION_TYPES, { error: TYPE_MESSAGE }),
    redirect_uris: fields.redirect_uris.default([]),
    post_logout_redirect_uris: fields.post_logout_redirect_uris.default([]),
    allowed_groups: fields.allowed_groups.default([]),
    access: fields.access.optional(),
    access_token_ttl_seconds: fields.access_token_ttl_seconds.default(ACCESS_TTL.default),
    refresh_token_ttl_seconds: fields.refresh_token_ttl_seconds.default(REFRESH_TTL.default),
    require_consent: fields.require_consent.default(false),
    id_token_signed_response_alg: fields.id_token_signed_response_alg.default(DEFAULT_ID_TOKEN_ALG),
  })
  .superRefine((input, ctx) => {
    // Browser-based flows return to a registered address; the device flow returns nowhere.
    if (input.type !== "device" && input.redirect_uris.length === 0) {
      ctx.addIssue({ code: "custom", path: ["redirect_uris"], message: "Add at least one redirect URI: where the app receives the sign-in" });
    }
  });
export type CreateApplicationInput = z.output<typeof createApplicationSchema>;

/**
 * Body of PUT /api/applications/{id} and of the application page's form: the fields
 * to change; one left out stays as it is. The type is fixed once registered (a
 * web app's secret or a public app's PKCE-only sign-in would change under its users).
 */
export const updateApplicationSchema = z.object({
  name: fields.name.optional(),
  type: z.enum(APPLICATION_TYPES, { error: TYPE_MESSAGE }).optional(),
  redirect_uris: fields.redirect_uris.optional(),
  post_logout_redirect_uris: fields.post_logout_redirect_uris.optional(),
  allowed_groups: fields.allowed_groups.optional(),
  access: fields.access.optional(),
  access_token_ttl_seconds: fields.access_token_ttl_seconds.optional(),
  refresh_token_ttl_seconds: fields.refresh_token_ttl_seconds.optional(),
  require_consent: fields.require_consent.optional(),
  id_token_signed_response_alg: fields.id_token_signed_response_alg.optional(),
});
export type UpdateApplicationInput = z.output<typeof updateApplicationSchema>;

/** The 409 of a rotation whose `replaces` names a secret already replaced. */
export const SECRET_ROTATED_MEANWHILE = "The client secret was rotated meanwhile (another rotation finished first): the secret it showed is the one that works. Rotate again for a new one.";

/**
 * Body of POST /api/applications/{id}/rotate-secret (may be empty): `replaces` names the secret the caller
 * means to replace (the application's `client_secret_id`). Sent, a rotation that finds another secret
 * (one rotated meanwhile, a second press at once) is refused rather than handing out a secret that a
 * rotation committing just after it would make useless.
 */
export const rotateApplicationSecretSchema = z.object({
  replaces: z.string().trim().min(1).max(64).optional(),
});
export type RotateApplicationSecretInput = z.output<typeof rotateApplicationSecretSchema>;
