/**
 * The REST API's response shapes as zod schemas, for the OpenAPI document.
 * Each is tied to the function that builds the response by a compile-time
 * check at the bottom, so a field added to a shape without its schema (or the
 * reverse) fails the typecheck; the API tests validate live responses too.
 */
import { z } from "zod";

const dateTime = z.iso.datetime({ offset: true });
const operations = z.object({ read: z.boolean(), create: z.boolean(), update: z.boolean(), delete: z.boolean() });

export const errorSchema = z
  .object({
    message: z.string(),
    code: z.number().int(),
    errors: z.record(z.string(), z.array(z.string())).optional().describe("Per field, for 422"),
  })
  .meta({ id: "Error" });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string().describe('"" when the person has no email (NetBird\'s schema requires a string)'),
    email_verified: z
      .boolean()
      .describe("The address was proven (a link mailed to it was followed) or set by someone who may set it on anyone; what apps signing in through Latchkey are told. false with no email"),
    name: z.string(),
    // usernames:
    username: z.string().describe("Unique in the account; sign-in accepts it as well as the email"),
    role: z.string(),
    status: z.enum(["active", "invited", "blocked"]),
    last_login: z.string().describe("Date-time; 0001-01-01T00:00:00Z when never"),
    auto_groups: z.array(z.string()),
    is_current: z.boolean(),
    is_service_user: z.boolean(),
    is_blocked: z.boolean(),
    is_locked: z.boolean(),
    locked_until: dateTime.nullable(),
    pending_approval: z.boolean(),
    issued: z.enum(["api", "integration"]),
    idp_id: z.string(),
    created_at: dateTime,
    password: z.string().optional().describe("Generated password: in the create response only"),
    mfa: z
      .object({ totp: z.boolean(), passkeys: z.number().int(), recovery_codes_left: z.number().int() })
      .optional()
      .describe("Second factors (two-factor sign-in): in reads of users"),
  })
  .meta({ id: "User" });

export const currentUserSchema = userSchema
  .extend({
    permissions: z.object({ is_restricted: z.boolean(), modules: z.record(z.string(), operations) }),
  })
  .meta({ id: "CurrentUser" });

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    expiration_date: dateTime,
    created_by: z.string(),
    created_by_name: z.string().nullable().optional().describe("The creator's name (a deleted creator's as last recorded)"),
    created_by_status: z.enum(["active", "blocked", "deleted"]).optional(),
    created_at: dateTime,
    last_used: dateTime.optional().describe("Absent until first used"),
    permissions: z.array(z.string()).optional().describe("The token's scope; absent: all of its owner's permissions"),
  })
  .meta({ id: "PersonalAccessToken" });

export const createdServiceTokenSchema = tokenSchema
  .extend({ user_id: z.string(), user_name: z.string() })
  .meta({ id: "CreatedServiceUserToken" });

export const tokenGeneratedSchema = z
  .object({ plain_token: z.string(), personal_access_token: tokenSchema })
  .meta({ id: "PersonalAccessTokenGenerated" });

export const groupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    users_count: z.number().int(),
    created_at: dateTime,
    peers: z.array(z.object({ id: z.string(), name: z.string() })),
    peers_count: z.number().int(),
    resources: z.array(z.object({ id: z.string(), type: z.string() })),
    resources_count: z.number().int(),
    issued: z.literal("api"),
  })
  .meta({ id: "Group" });

export const groupDetailSchema = groupSchema
  .extend({ users: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })) })
  .meta({ id: "GroupDetail" });

export const inviteSchema = z
  .object({
    id: z.string(),
    email: z.string().describe('"" for a link handed over without an email (NetBird\'s schema requires a string)'),
    username: z.string().nullable().describe("The invitee's username, chosen by the admin; null: the invitee picks it when accepting"),
    name: z.string(),
    role: z.string(),
    auto_groups: z.array(z.string()),
    invite_expires_at: dateTime,
    expires_at: dateTime,
    created_at: dateTime,
    expired: z.boolean(),
    invited_by: z.string().optional(),
    invite_link: z.string().optional().describe("The invite token: in the create, regenerate and resend responses only"),
    invite_token: z.string().optional().describe("Same as invite_link (NetBird's name)"),
    email_queued: z.boolean().optional().describe("The link was queued for the invitee by email (create with send_email, resend)"),
  })
  .meta({ id: "UserInvite" });

// email: Settings → Email and its deliveries
export const mailSettingsSchema = z
  .object({
    source: z.enum(["environment", "settings"]),
    host: z.string().nullable(),
    port: z.number(),
    security: z.enum(["none", "starttls", "tls"]),
    username: z.string().nullable().describe("The SMTP username: only for the owner (settings:email); null for others, who see has_username"),
    has_username: z.boolean(),
    has_password: z.boolean(),
    from_name: z.string().nullable(),
    from_address: z.string().nullable(),
    public_url: z.string().nullable(),
    public_url_from_environment: z.boolean(),
    notices: z.object({ password_changed: z.boolean(), two_factor_changed: z.boolean(), access_token_created: z.boolean(), new_browser: z.boolean() }),
    enabled: z.boolean(),
  })
  .meta({ id: "MailSettings" });
export const mailDeliverySchema = z
  .object({
    id: z.string(),
    to: z.string(),
    subject: z.string(),
    kind: z.string(),
    state: z.enum(["queued", "sent", "failed"]),
    attempts: z.number(),
    last_error: z.string().nullable(),
    created_at: dateTime,
    sent_at: dateTime.nullable(),
    next_try_at: dateTime.nullable(),
  })
  .meta({ id: "MailDelivery" });
// usernames: held back after a deletion or a rename (lib/users/retired-usernames.ts)
export const retiredUsernameSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    retired_at: dateTime.describe("When it stopped being someone's (deleted or renamed)"),
    held_until: dateTime.describe("When anyone may take it again (unless the owner releases it sooner)"),
    former_user_id: z.string().describe("Whose it was: that person (same id) may take it back meanwhile"),
    former_user_name: z.string().nullable().describe("Their name now; null when they were deleted"),
  })
  .meta({ id: "RetiredUsername" });
export const mailTestResultSchema = z.object({ ok: z.boolean(), response: z.string() }).meta({ id: "MailTestResult" });

export const inviteInfoSchema = z
  .object({
    email: z.string().describe('"" when the invite has no email'),
    username: z.string().nullable().describe("The username the invite is for; null: the invitee picks one (required in the accept body when email is \"\" too)"),
    name: z.string(),
    role: z.string(),
    expires_at: dateTime,
    valid: z.boolean(),
    invited_by: z.string(),
  })
  .meta({ id: "UserInviteInfo" });

export const inviteAcceptedSchema = z
  .object({ success: z.literal(true), user_id: z.string(), email: z.string().describe('"" when the person has no email'), username: z.string() })
  .meta({ id: "UserInviteAcceptResponse" });

export const setupResponseSchema = z
  .object({ user_id: z.string(), email: z.string(), account_id: z.string(), personal_access_token: z.string().optional() })
  .meta({ id: "SetupResponse" });

export const instanceStatusSchema = z.object({ setup_required: z.boolean() }).meta({ id: "InstanceStatus" });

export const versionSchema = z
  .object({ management_current_version: z.string(), management_update_available: z.boolean() })
  .meta({ id: "InstanceVersionInfo" });

export const eventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    timestamp: dateTime,
    activity: z.string(),
    activity_code: z.string(),
    initiator_type: z.string(),
    initiator_id: z.string(),
    initiator_name: z.string(),
    target_type: z.string(),
    target_id: z.string(),
    target_name: z.string(),
    meta: z.record(z.string(), z.unknown()),
    ip: z.string(),
    user_agent: z.string(),
    hash: z.string(),
  })
  .meta({ id: "ActivityEvent" });

export const netbirdEventSchema = z
  .object({
    id: z.string(),
    timestamp: dateTime,
    activity: z.string(),
    activity_code: z.string(),
    initiator_id: z.string(),
    initiator_name: z.string(),
    initiator_email: z.string(),
    target_id: z.string(),
    meta: z.record(z.string(), z.string()),
  })
  .meta({ id: "Event" });

export const sessionSchema = z
  .object({
    /** The session's public id (a digest; the cookie's id never leaves the server): DELETE …/sessions/{session_id} ends it. */
    id: z.string(),
    created_at: dateTime,
    last_seen_at: dateTime,
    expires_at: dateTime,
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    is_current: z.boolean(),
  })
  .meta({ id: "Session" });

/** Settings and results whose fields are described where they are built; kept open here. */
export const objectSchema = z.looseObject({});
export const emptySchema = z.object({}).meta({ id: "Empty" });
export const messageSchema = z.object({ message: z.string() }).meta({ id: "Message" });
export const healthSchema = z.object({ status: z.literal("ok") });
// operations: readiness (lib/ops/readiness.ts)
const readinessCheck = z.enum(["ok", "failed", "pending"]);
export const readySchema = z.object({
  status: z.literal("ready"),
  checks: z.object({
    database: readinessCheck,
    migrations: z.enum(["ok", "failed", "pending", "newer"]),
    writes: readinessCheck,
    // SQLite only: DATA_DIR's free space (lib/observability/disk-space.ts).
    disk: z.enum(["ok", "low", "failed"]).optional(),
    encryption_key: readinessCheck,
    shutting_down: z.boolean(),
  }),
});


// roles: the permission catalogue, roles, and who holds what
export const permissionInfoSchema = z
  .object({ name: z.string(), module: z.string(), operation: z.string(), description: z.string() })
  .meta({ id: "Permission" });

export const roleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    permissions: z.array(z.string()),
    built_in: z.boolean(),
    holders: z.array(z.object({ id: z.string(), name: z.string(), via: z.enum(["role", "roles", "group"]), group_name: z.string().optional() })),
    groups: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: "Role" });

export const userRolesSchema = z
  .object({
    role: z.string().describe("The primary role (NetBird's role)"),
    role_ids: z.array(z.string()).describe("The extra roles, besides the primary one"),
    group_roles: z.array(z.object({ role_id: z.string(), role_name: z.string(), group_id: z.string(), group_name: z.string() })),
    permissions: z.array(
      z.object({
        name: z.string(),
        sources: z.array(z.object({ role_id: z.string(), role_name: z.string(), via: z.enum(["role", "roles", "group"]), group_id: z.string().optional(), group_name: z.string().optional() })),
      }),
    ),
  })
  .meta({ id: "UserRoles" });

export const roleIdsResponseSchema = z.object({ role_ids: z.array(z.string()) }).meta({ id: "RoleIds" });

// applications (issue 15): the OIDC provider's clients
export const applicationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(["web", "spa", "device"]),
    client_id: z.string(),
    has_client_secret: z.boolean(),
    client_secret_id: z
      .string()
      .nullable()
      .describe("Names the current client secret without revealing it (null without one); changes with each rotation. Send it as `replaces` to rotate-secret so that a second rotation at once is refused (409) instead of handing out a secret that no longer works"),
    pkce_required: z.boolean().describe("Whether the app must send PKCE (S256) in the code flow: true for single-page apps; false for web apps (optional) and device apps (no code flow)"),
    redirect_uris: z.array(z.string()),
    post_logout_redirect_uris: z.array(z.string()),
    allowed_groups: z.array(z.string()).describe('Group ids whose members may sign in (access "groups"); empty when access is "everyone" or "nobody"'),
    access: z.enum(["everyone", "groups", "nobody"]).describe('Who may sign in: everyone in the account, members of allowed_groups, or nobody (limited to groups and none is left, or closed). Send it back as answered: a PUT of this object changes nothing about access'),
    access_token_ttl_seconds: z.number().int(),
    refresh_token_ttl_seconds: z.number().int(),
    require_consent: z.boolean(),
    id_token_signed_response_alg: z.enum(["RS256", "ES256"]),
    created_at: dateTime,
    updated_at: dateTime,
  })
  .meta({ id: "Application" });

export const applicationWithSecretSchema = applicationSchema
  .extend({ client_secret: z.string().optional().describe("Web apps only, shown this once") })
  .meta({ id: "ApplicationWithSecret" });
