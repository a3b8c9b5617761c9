/**
 * Input schemas for sign-in configuration: OIDC providers, the LDAP source,
 * the trusted proxy header and the local sign-in switch. One schema per
 * input, shared by the dashboard's forms and the REST API.
 */
import ipaddr from "ipaddr.js";
import { httpsOrLoopback } from "@/lib/net/secure-url";
import { z } from "zod";
import { textError } from "@/lib/http/text-input";
import { IDP_TYPES, SIGNUP_POLICIES } from "@/lib/db/schema";
import { groupIdListSchema } from "@/lib/groups/schemas";
import { hasUnsafeDisplayCharacters, NAME_UNSAFE_CHARACTERS } from "@/lib/format/display-text";
import { SIGN_IN_SOURCE_NAME_MAX } from "./limits";
import { publicRangeProblem } from "./proxy-ranges";
import { CA_CERTIFICATE_MAX, caCertificateProblem } from "./ldap/ca-certificate";

/** Roles a provider may give new users: never the owner. */
export const GRANTABLE_ROLES = ["admin", "auditor", "user", "network_admin", "billing_admin"] as const;
const roleSchema = z.enum(GRANTABLE_ROLES, { error: `Default role must be one of: ${GRANTABLE_ROLES.join(", ")}` });

const bool = (label: string) => z.boolean({ error: `${label} must be true or false` });

/** This request's confirmation that new people may get a privileged role or groups (./privileged-signup.ts); never stored. */
const acceptPrivilegedSignup = bool("accept_privileged_signup").default(false);

/** An http(s) URL; plain http only for this machine (a local test provider), never across a network (lib/net/secure-url.ts). */
export const issuerSchema = z
  .string({ error: textError("Issuer URL") })
  .trim()
  .min(1, "Issuer URL is required")
  .max(500, "Issuer URL must be at most 500 characters")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter the issuer as a full URL, like https://accounts.google.com" });
      return;
    }
    if (!httpsOrLoopback(url)) {
      ctx.addIssue({ code: "custom", message: "Issuer URL must start with https:// (http:// only for localhost)" });
    } else if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: "Issuer URL must not contain credentials, a query or a fragment" });
    }
  })
  .transform((value) => value.replace(/\/+$/, ""));

const scopesSchema = z
  .string({ error: "Scopes must be text" })
  .trim()
  .max(500, "Scopes must be at most 500 characters")
  .default("openid email profile")
  .transform((v) => v.split(/\s+/).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "Scopes are words separated by spaces"))
      .refine((s) => s.includes("openid"), "Scopes must include openid"),
  )
  .transform((s) => [...new Set(s)].join(" "));

const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "Enter domains like example.com");

export { SIGN_IN_SOURCE_NAME_MAX };

const providerFields = {
  type: z.enum(IDP_TYPES, { error: `Type must be one of: ${IDP_TYPES.join(", ")}` }),
  name: z
    .string({ error: textError("Display name") })
    .trim()
    .min(1, "Display name is required")
    .max(SIGN_IN_SOURCE_NAME_MAX, `Display name must be at most ${SIGN_IN_SOURCE_NAME_MAX} characters`)
    // The public sign-in page shows it to anyone: one line, no direction overrides (lib/format/display-text.ts).
    .refine((name) => !hasUnsafeDisplayCharacters(name), NAME_UNSAFE_CHARACTERS),
  issuer: issuerSchema,
  client_id: z
    .string({ error: textError("Client ID") })
    .trim()
    .min(1, "Client ID is required")
    .max(500, "Client ID must be at most 500 characters"),
  /** Write-only: required when adding; on edit, leave out (or empty) to keep the stored one. */
  client_secret: z
    .string({ error: "Client secret must be text" })
    .max(2000, "Client secret must be at most 2000 characters")
    .optional()
    .transform((v) => (v ? v : undefined)),
  scopes: scopesSchema,
  enabled: bool("enabled").default(true),
  // A new provider lets in only people an admin created or invited, until the owner opens it up.
  signup_policy: z.enum(SIGNUP_POLICIES, { error: `signup_policy must be one of: ${SIGNUP_POLICIES.join(", ")}` }).default("existing"),
  allowed_domains: z.array(domainSchema, { error: "allowed_domains must be a list of domains" }).max(50, "At most 50 domains").default([]),
  default_role: roleSchema.default("user"),
  auto_groups: groupIdListSchema.default([]),
  /** Left out: on for "existing" (the only way those users get in), off otherwise. */
  allow_linking: bool("allow_linking").optional(),
  /** Discovery and token calls may go to loopback (a provider on this machine); link-local and metadata never. */
  allow_internal_addresses: bool("allow_internal_addresses").default(false),
  /** New users wait for an admin's approval (NetBird's user approval). */
  require_approval: bool("require_approval").default(false),
  accept_privileged_signup: acceptPrivilegedSignup,
};

export const providerInputSchema = z
  .object(providerFields)
  .transform((v) => ({ ...v, allow_linking: v.allow_linking ?? v.signup_policy === "existing" }))
  .superRefine((v, ctx) => {
    if (v.signup_policy === "domains" && v.allowed_domains.length === 0) {
      ctx.addIssue({ code: "custom", path: ["allowed_domains"], message: "List at least one domain, or let anyone in" });
    }
    if (v.signup_policy === "existing" && !v.allow_linking) {
      ctx.addIssue({
        code: "custom",
        path: ["allow_linking"],
        message: "Existing users can only sign in through the provider when linking by verified email is allowed",
      });
    }
  })
  .transform((v) => ({ ...v, allowed_domains: [...new Set(v.allowed_domains)] }));
export type ProviderInput = z.output<typeof providerInputSchema>;

/**
 * "Test connection" on the form, saved or not: the issuer, and the client ID and secret as typed (./provider-test.ts).
 * Without a secret, a saved provider's stored one is used, for the issuer and client ID it was entered with.
 */
export const providerTestSchema = z.object({
  issuer: issuerSchema,
  allow_internal_addresses: bool("allow_internal_addresses").default(false),
  client_id: z.string({ error: "Client ID must be text" }).trim().max(500, "Client ID must be at most 500 characters").optional().transform((v) => (v ? v : undefined)),
  client_secret: providerFields.client_secret,
});
export type ProviderTestInput = z.input<typeof providerTestSchema>;

// ---------------------------------------------------------------- LDAP

const ldapUrlSchema = z
  .string({ error: textError("Server URL") })
  .trim()
  .min(1, "Server URL is required")
  .max(500, "Server URL must be at most 500 characters")
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === "ldap:" || url.protocol === "ldaps:") && url.hostname !== "" && (url.pathname === "" || url.pathname === "/") && !url.search;
    } catch {
      return false;
    }
  }, "Enter the server as ldap://host:389 or ldaps://host:636");

const dnSchema = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(1000, `${label} must be at most 1000 characters`);

const attributeSchema = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(100, `${label} must be at most 100 characters`)
    .regex(/^[A-Za-z][A-Za-z0-9-]*$/, `${label} must be an attribute name like uid or mail`);

/** A search filter with its placeholder; must be one parenthesised filter. */
const filterSchema = (label: string, placeholder: string) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(1000, `${label} must be at most 1000 characters`)
    .refine((v) => v.startsWith("(") && v.endsWith(")"), `${label} must be an LDAP filter in parentheses`)
    .refine((v) => v.includes(placeholder), `${label} must contain ${placeholder}`);

export const ldapInputSchema = z.object({
  name: z
    .string({ error: "Name must be text" })
    .trim()
    .min(1, "Name is required")
    .max(SIGN_IN_SOURCE_NAME_MAX, `Name must be at most ${SIGN_IN_SOURCE_NAME_MAX} characters`)
    .refine((name) => !hasUnsafeDisplayCharacters(name), NAME_UNSAFE_CHARACTERS)
    .default("LDAP"),
  enabled: bool("enabled").default(false),
  url: ldapUrlSchema,
  start_tls: bool("start_tls").default(false),
  /**
   * The directory's CA certificate(s), PEM: when given, ldaps:// and StartTLS trust only these (a private CA);
   * empty: the certificate authorities Node trusts (its own list, and NODE_EXTRA_CA_CERTS). Checks are never off.
   */
  tls_ca_certificate: z
    .string({ error: textError("Trusted CA certificate") })
    .trim()
    .max(CA_CERTIFICATE_MAX, `Trusted CA certificate must be at most ${CA_CERTIFICATE_MAX} characters`)
    .nullish()
    // A browser posts a textarea's lines with CRLF: stored with LF, as the API's PEM, so the same CA is the same text.
    .transform((v) => (v ? v.replace(/\r\n?/g, "\n") : null))
    .superRefine((v, ctx) => {
      const problem = v === null ? null : caCertificateProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  bind_dn: dnSchema("Bind DN"),
  /** Write-only: leave out (or empty) to keep the stored one. */
  bind_password: z
    .string({ error: "Bind password must be text" })
    .max(1000, "Bind password must be at most 1000 characters")
    .optional()
    .transform((v) => (v ? v : undefined)),
  search_base: dnSchema("User search base"),
  user_filter: filterSchema("User filter", "{username}").default("(&(objectClass=inetOrgPerson)(uid={username}))"),
  username_attribute: attributeSchema("Username attribute").default("uid"),
  email_attribute: attributeSchema("Email attribute").default("mail"),
  name_attribute: attributeSchema("Display name attribute").default("cn"),
  group_search_base: z
    .string({ error: "Group search base must be text" })
    .trim()
    .max(1000, "Group search base must be at most 1000 characters")
    .nullish()
    .transform((v) => (v ? v : null)),
  group_filter: filterSchema("Group filter", "{dn}").default("(&(objectClass=groupOfNames)(member={dn}))"),
  group_name_attribute: attributeSchema("Group name attribute").default("cn"),
  group_mapping: z
    .array(
      // Strict, as the body's own fields are (lib/http/body.ts): a typo such as "ldap_grup" is refused, never dropped.
      z.strictObject(
        {
          ldap_group: z.string({ error: "LDAP group is required" }).trim().min(1, "LDAP group is required").max(200),
          group_id: z.string({ error: "Group is required" }).min(1, "Group is required").max(100),
        },
        {
          error: (issue) =>
            issue.code === "unrecognized_keys" ? `Unknown field in a group mapping: ${issue.keys.join(", ")}` : "group_mapping must be a list of {ldap_group, group_id}",
        },
      ),
      { error: "group_mapping must be a list of {ldap_group, group_id}" },
    )
    .max(100, "At most 100 group mappings")
    .default([]),
  auto_create: bool("auto_create").default(true),
  default_role: roleSchema.default("user"),
  accept_privileged_signup: acceptPrivilegedSignup,
  /** The owner's explicit choice to use ldap:// without StartTLS, where passwords cross the network in the clear. */
  allow_unencrypted: bool("allow_unencrypted").default(false),
  /** The server may be on a loopback address (a directory on this machine); link-local and metadata never. */
  allow_internal_addresses: bool("allow_internal_addresses").default(false),
}).superRefine((v, ctx) => {
  if (v.url.toLowerCase().startsWith("ldap://") && !v.start_tls && !v.allow_unencrypted) {
    ctx.addIssue({
      code: "custom",
      path: ["allow_unencrypted"],
      message: "ldap:// without StartTLS sends the bind password and every person's password unencrypted: use ldaps:// or StartTLS, or allow unencrypted connections explicitly",
    });
  }
});
export type LdapInput = z.output<typeof ldapInputSchema>;

// ---------------------------------------------------------------- trusted header and local sign-in

/** A CIDR range (10.0.0.0/8, fd00::/8) or a single address. */
const cidrSchema = z
  .string({ error: "Ranges must be text" })
  .trim()
  .max(64)
  .refine((v) => {
    try {
      if (v.includes("/")) ipaddr.parseCIDR(v);
      else ipaddr.parse(v);
      return true;
    } catch {
      return false;
    }
  }, "Enter address ranges like 10.0.0.0/8, 192.168.1.10 or fd00::/8");

const headerNameSchema = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(100, `${label} must be at most 100 characters`)
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]*$/, `${label} must be an HTTP header name like Remote-User`);

export const trustedHeaderInputSchema = z
  .object({
    enabled: bool("enabled").default(false),
    trusted_ranges: z.array(cidrSchema, { error: "trusted_ranges must be a list of address ranges" }).max(50, "At most 50 ranges").default([]),
    user_header: headerNameSchema("User header").default("Remote-User"),
    email_header: headerNameSchema("Email header").nullish().transform((v) => (v ? v : null)),
    name_header: headerNameSchema("Name header").nullish().transform((v) => (v ? v : null)),
    auto_create: bool("auto_create").default(false),
    default_role: roleSchema.default("user"),
    accept_privileged_signup: acceptPrivilegedSignup,
  })
  .superRefine((v, ctx) => {
    if (!v.user_header) ctx.addIssue({ code: "custom", path: ["user_header"], message: "User header is required" });
    for (const range of v.trusted_ranges) {
      const problem = publicRangeProblem(range);
      if (problem) ctx.addIssue({ code: "custom", path: ["trusted_ranges"], message: problem.message, params: { messageRef: problem.ref } });
    }
    if (v.enabled && v.trusted_ranges.length === 0) {
      ctx.addIssue({ code: "custom", path: ["trusted_ranges"], message: "List the address ranges of your proxy before turning this on" });
    }
  });
export type TrustedHeaderInput = z.output<typeof trustedHeaderInputSchema>;

export const localSignInSchema = z.object({ local_login_enabled: bool("local_login_enabled") });
export type LocalSignInInput = z.output<typeof localSignInSchema>;

/** PUT /api/settings/sign-in: either switch, or both (usernames: whether people may change their own username). */
export const signInSwitchesSchema = z
  .object({
    local_login_enabled: bool("local_login_enabled").optional(),
    users_may_change_username: bool("users_may_change_username").optional(),
  })
  .refine((v) => v.local_login_enabled !== undefined || v.users_may_change_username !== undefined, {
    path: ["local_login_enabled"],
    message: "Give local_login_enabled, users_may_change_username or both",
  });

/** Splits a textarea of domains, ranges or scopes (commas, spaces or new lines) into a list. */
export function splitList(value: FormDataEntryValue | null): string[] {
  return typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : [];
}
