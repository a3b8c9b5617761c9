/**
 * Every route of /api with its request and response schemas: the one
 * registry the OpenAPI document is built from. Request schemas are the ones
 * the routes parse with; a unit test checks every route file is listed here.
 */
import { z } from "zod";
import { auditQueryDocSchema, eventFiltersSchema, exportQuerySchema } from "@/lib/audit/event-filters";
import { groupFiltersSchema, groupInputSchema } from "@/lib/groups/schemas";
import { listParamsSchema } from "@/lib/http/list-params";
import { apiLdapSchema, apiProviderSchema, apiProxyHeaderCheckSchema, apiSignInSettingsSchema, apiTrustedHeaderSchema } from "@/lib/idp/api-shape";
import { ldapInputSchema, providerInputSchema, signInSwitchesSchema, trustedHeaderInputSchema } from "@/lib/idp/schemas";
import { acceptInviteSchema, createInviteSchema, regenerateInviteSchema, resendInviteSchema } from "@/lib/invites/schemas";
import { mailSettingsPatchSchema, testMailSchema } from "@/lib/mail/schemas";
import { setupInputSchema } from "@/lib/setup/setup";
import { createTokenRequestSchema } from "@/lib/tokens/schemas";
import { resetPasswordSchema } from "@/lib/users/access-control";
import { changePasswordSchema } from "@/lib/users/password";
import { forgotPasswordSchema, resetWithTokenSchema } from "@/lib/users/password-reset";
import { confirmEmailChangeSchema, emailChangeSchema } from "@/lib/users/email-change";
import { ownUsernameSchema } from "@/lib/users/own-username";
import { userFiltersSchema } from "@/lib/users/queries";
import { apiSecurityPolicySchema, securityPolicySchema } from "@/lib/mfa/policy";
import { factorProofSchema } from "@/lib/mfa/proof-schema";
import { apiAppearanceSchema, appearanceInputSchema } from "@/lib/appearance/settings";
import { bulkUsersResponseSchema, bulkUsersSchema } from "@/lib/users/bulk";
import { bulkInvitesResponseSchema, bulkInvitesSchema } from "@/lib/invites/bulk";
import { groupMemberSchema } from "@/lib/users/group-members";
import { createUserRequestSchema, updateUserRequestSchema } from "@/lib/users/schemas";
import type { Permission } from "@/lib/auth/permissions";
import { roleIdsSchema, roleInputSchema } from "@/lib/roles/schemas";
import { createApplicationSchema, rotateApplicationSecretSchema, updateApplicationSchema } from "@/lib/applications/schemas";
import * as R from "./responses";

export type Method = "get" | "post" | "put" | "delete";

export type ApiRoute = {
  method: Method;
  /** OpenAPI path template: /api/users/{id}. */
  path: string;
  summary: string;
  tag: string;
  /** Public: no token or session needed. */
  public?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The 200 response; `list` for a JSON array of it; `file` for a download. */
  response: z.ZodType | "file";
  list?: boolean;
  /** The success status when not 200 (201 for a created resource). */
  status?: 201;
  /** Carries a secret shown once: Cache-Control: no-store. */
  secret?: boolean;
  /**
   * roles: the permissions a caller needs (all of them) for this route on
   * someone else's data; [] = any signed-in caller. The authorization matrix
   * (e2e/api/authorization-matrix.spec.ts) is generated from it.
   */
  permissions?: Permission[];
  /** How a caller lacking them is refused: 403 (default), 404 (existence hidden), or "filtered" (sees only their own). */
  denied?: 403 | 404 | "filtered";
};

const uuid = "{id}";

export const API_ROUTES: ApiRoute[] = [
  { method: "get", path: "/api/health", summary: "Liveness probe", tag: "Instance", public: true, response: R.healthSchema },
  { method: "get", path: "/api/ready", summary: "Readiness probe: 503 until the database is reachable, migrated and key-checked, and while shutting down", tag: "Instance", public: true, response: R.readySchema },
  { method: "get", path: "/api/instance", summary: "Whether first-run setup is still required", tag: "Instance", public: true, response: R.instanceStatusSchema },
  { method: "get", path: "/api/instance/logo", summary: "The instance's logo (Settings → Appearance): PNG, JPEG or WebP as uploaded; 404 when none", tag: "Instance", public: true, response: "file" },
  { method: "get", path: "/api/instance/version", summary: "This server's version", tag: "Instance", response: R.versionSchema, permissions: [] },
  { method: "post", path: "/api/instance/setup", summary: "First-run setup: create the owner (once)", tag: "Instance", public: true, body: setupInputSchema, response: R.setupResponseSchema, secret: true },
  { method: "post", path: "/api/setup", summary: "First-run setup at NetBird's path", tag: "Instance", public: true, body: setupInputSchema, response: R.setupResponseSchema, secret: true },
  { method: "get", path: "/api/docs", summary: "The API reference page (HTML)", tag: "Instance", public: true, response: "file" },
  { method: "get", path: "/api/docs/assets/{file}", summary: "The reference page's script and style files", tag: "Instance", public: true, response: "file" },
  { method: "get", path: "/api/openapi.json", summary: "This document", tag: "Instance", public: true, response: R.objectSchema },

  { method: "get", path: "/api/users", summary: "List users (the caller first); everything without limit. People need users:read, service users service_users:read: a caller lacking one sees none of that kind (the total counts none either), themselves always", tag: "Users", query: userFiltersSchema, response: R.userSchema, list: true, permissions: ["users:read"], denied: "filtered" },
  { method: "post", path: "/api/users", summary: "Create a person (with a generated password) or a service user", tag: "Users", body: createUserRequestSchema, response: R.userSchema, secret: true, permissions: ["users:create"] },
  { method: "get", path: "/api/users/export", summary: "Download the users matching the list's filters, search and sort as CSV (service users only with service_users:read, as the list)", tag: "Users", query: userFiltersSchema.omit({ limit: true, offset: true }), response: "file", permissions: ["users:read"] },
  { method: "post", path: "/api/users/bulk", summary: "Block, unblock or delete several users; a result per user (each user's rules apply)", tag: "Users", body: bulkUsersSchema, response: bulkUsersResponseSchema, permissions: ["users:block"] },
  { method: "get", path: "/api/users/current", summary: "The caller, with NetBird's permissions object", tag: "Users", response: R.currentUserSchema, permissions: [] },
  { method: "put", path: "/api/users/current", summary: "Change one's own username (when the owner allows it; 403 otherwise; 409 while three earlier ones are held back for the caller; 429 past 10 new names in 15 minutes)", tag: "Users", body: ownUsernameSchema, response: R.currentUserSchema, permissions: [] },
  { method: "get", path: `/api/users/${uuid}`, summary: "One user (a service user: with service_users:read; 404 without, as for a person without users:read)", tag: "Users", response: R.userSchema, permissions: ["users:read"], denied: 404 },
  { method: "put", path: `/api/users/${uuid}`, summary: "Update a user's role, groups, block state, name or email (another person's email only: one's own changes through POST /api/users/current/email); an owner signed in with a session transferring ownership gives their password (or a code)", tag: "Users", body: updateUserRequestSchema, response: R.userSchema, permissions: ["users:update"] },
  { method: "delete", path: `/api/users/${uuid}`, summary: "Delete a user", tag: "Users", response: R.emptySchema, permissions: ["users:delete"] },
  { method: "put", path: `/api/users/${uuid}/password`, summary: "Change one's own password", tag: "Users", body: changePasswordSchema, response: R.messageSchema, permissions: [] },
  { method: "post", path: `/api/users/${uuid}/password-reset`, summary: "Admin password reset (generated when none is sent)", tag: "Users", body: resetPasswordSchema, response: z.object({ password: z.string().optional() }), secret: true, permissions: ["users:reset_password"] },
  { method: "post", path: "/api/users/current/email", summary: "Change one's own email (confirmed by a link sent to the new address)", tag: "Users", body: emailChangeSchema, response: R.messageSchema, permissions: [] },
  { method: "post", path: "/api/users/current/email/confirmation", summary: "Confirm one's own unconfirmed email (email_verified: false): a link goes to it, and opening it confirms it", tag: "Users", response: R.messageSchema, permissions: [] },
  { method: "post", path: "/api/email-change/confirm", summary: "Confirm a new email address with the link's token", tag: "Users", public: true, body: confirmEmailChangeSchema, response: R.messageSchema },
  { method: "post", path: `/api/users/${uuid}/password-reset-link`, summary: "Send the person a single-use link to set a new password (by email; 429 past 5 to one person in an hour)", tag: "Users", response: R.messageSchema, permissions: ["users:reset_password"] },
  { method: "post", path: "/api/password-reset", summary: "Forgot password: email a reset link (same answer for any email)", tag: "Users", public: true, body: forgotPasswordSchema, response: R.messageSchema },
  { method: "post", path: "/api/password-reset/confirm", summary: "Set a new password with a reset link's token (single use, 30 minutes)", tag: "Users", public: true, body: resetWithTokenSchema, response: R.messageSchema },
  { method: "post", path: `/api/users/${uuid}/unlock`, summary: "End a sign-in lock", tag: "Users", response: R.objectSchema, permissions: ["users:unlock"] },
  { method: "delete", path: `/api/users/${uuid}/mfa`, summary: "Reset a user's two-factor sign-in (their factors and recovery codes go, their sessions end); an admin signed in with a session gives their own password (or a code) in the body, an access token needs none", tag: "Users", body: factorProofSchema, response: z.object({ sessions_ended: z.number().int() }), permissions: ["users:reset_two_factor"] },
  { method: "post", path: `/api/users/${uuid}/approve`, summary: "Approve a user waiting for approval", tag: "Users", response: R.userSchema, permissions: ["users:block"] },
  { method: "delete", path: `/api/users/${uuid}/reject`, summary: "Reject (remove) a user waiting for approval", tag: "Users", response: R.emptySchema, permissions: ["users:delete"] },
  { method: "post", path: `/api/users/${uuid}/invite`, summary: "Resend: a fresh link for a pending invite (id is the invite's)", tag: "Invites", response: R.inviteSchema, secret: true, permissions: ["invites:create"] },
  { method: "get", path: `/api/users/${uuid}/sessions`, summary: "A user's signed-in sessions", tag: "Users", response: R.sessionSchema, list: true, permissions: ["users:read"], denied: 404 },
  { method: "delete", path: `/api/users/${uuid}/sessions/{sessionId}`, summary: "Sign one session out (its id from the sessions list)", tag: "Users", response: R.objectSchema, permissions: ["users:revoke_sessions"] },
  { method: "delete", path: `/api/users/${uuid}/sessions`, summary: "Sign a user out everywhere; ?revoke_tokens=true ends their access tokens too (a service user's: with service_users:read and tokens:delete)", tag: "Users", query: z.object({ revoke_tokens: z.enum(["true", "false"]).optional() }), response: R.objectSchema, permissions: ["users:revoke_sessions"] },

  { method: "get", path: `/api/users/${uuid}/service-tokens`, summary: "The service users' tokens this user created (also after the user is deleted)", tag: "Tokens", response: R.createdServiceTokenSchema, list: true, permissions: ["service_users:read", "tokens:read"] },
  { method: "get", path: `/api/users/${uuid}/tokens`, summary: "A user's access tokens: one's own, or a service user's (another person's: never)", tag: "Tokens", response: R.tokenSchema, list: true, permissions: ["service_users:read", "tokens:read"] },
  { method: "post", path: `/api/users/${uuid}/tokens`, summary: "Create an access token (shown once); a signed-in person creating their own gives their password (or a code)", tag: "Tokens", body: createTokenRequestSchema, response: R.tokenGeneratedSchema, secret: true, permissions: ["service_users:read", "tokens:create"] },
  { method: "get", path: `/api/users/${uuid}/tokens/{tokenId}`, summary: "One access token", tag: "Tokens", response: R.tokenSchema, permissions: ["service_users:read", "tokens:read"] },
  { method: "delete", path: `/api/users/${uuid}/tokens/{tokenId}`, summary: "Delete an access token", tag: "Tokens", response: R.emptySchema, permissions: ["service_users:read", "tokens:delete"] },

  { method: "get", path: "/api/users/invites", summary: "Pending invites", tag: "Invites", query: listParamsSchema, response: R.inviteSchema, list: true, permissions: ["invites:read"] },
  { method: "post", path: "/api/users/invites", summary: "Invite someone (the link is shown once)", tag: "Invites", body: createInviteSchema, response: R.inviteSchema, secret: true, permissions: ["invites:create"] },
  { method: "get", path: `/api/users/invites/${uuid}`, summary: "What an invite link is for (id is the invite token; NetBird's path)", tag: "Invites", public: true, response: R.inviteInfoSchema },
  { method: "delete", path: `/api/users/invites/${uuid}`, summary: "Withdraw an invite", tag: "Invites", response: R.emptySchema, permissions: ["invites:delete"] },
  { method: "post", path: `/api/users/invites/${uuid}/accept`, summary: "Accept an invite with a password (id is the invite token; NetBird's path)", tag: "Invites", public: true, body: acceptInviteSchema, response: R.inviteAcceptedSchema },
  { method: "post", path: `/api/users/invites/${uuid}/regenerate`, summary: "A new link for an invite (the old one stops working)", tag: "Invites", body: regenerateInviteSchema, response: R.inviteSchema, secret: true, permissions: ["invites:create"] },
  { method: "post", path: `/api/users/invites/${uuid}/resend`, summary: "Resend an invite by email: a fresh link to the invitee (the old one stops working; the link is not in the response)", tag: "Invites", body: resendInviteSchema, response: R.inviteSchema, permissions: ["invites:create"] },
  { method: "post", path: "/api/invites/bulk", summary: "Delete or regenerate several pending invites; a result per invite (regenerate: the new link, shown once)", tag: "Invites", body: bulkInvitesSchema, response: bulkInvitesResponseSchema, secret: true, permissions: ["invites:delete"] },
  { method: "get", path: "/api/invites/{token}", summary: "What an invite link is for", tag: "Invites", public: true, response: R.inviteInfoSchema },
  { method: "post", path: "/api/invites/{token}/accept", summary: "Accept an invite with a password", tag: "Invites", public: true, body: acceptInviteSchema, response: R.inviteAcceptedSchema },

  { method: "get", path: "/api/groups", summary: "Groups by name; ?name= is an exact match (404 when none)", tag: "Groups", query: groupFiltersSchema, response: R.groupSchema, list: true, permissions: ["groups:read"], denied: "filtered" },
  { method: "post", path: "/api/groups", summary: "Create a group", tag: "Groups", body: groupInputSchema, response: R.groupSchema, permissions: ["groups:create"] },
  { method: "get", path: `/api/groups/${uuid}`, summary: "One group with its members", tag: "Groups", response: R.groupDetailSchema, permissions: ["groups:read"], denied: 404 },
  { method: "put", path: `/api/groups/${uuid}`, summary: "Rename a group", tag: "Groups", body: groupInputSchema, response: R.groupSchema, permissions: ["groups:update"] },
  { method: "delete", path: `/api/groups/${uuid}`, summary: "Delete a group", tag: "Groups", response: R.emptySchema, permissions: ["groups:delete"] },
  { method: "post", path: `/api/groups/${uuid}/members`, summary: "Add one user to the group", tag: "Groups", body: groupMemberSchema, response: R.objectSchema, permissions: ["users:update"] },
  { method: "delete", path: `/api/groups/${uuid}/members/{userId}`, summary: "Remove one user from the group", tag: "Groups", response: R.objectSchema, permissions: ["users:update"] },

  { method: "get", path: "/api/events", summary: "The activity log, newest first, with filters and cursor paging", tag: "Activity", query: eventFiltersSchema, response: R.eventSchema, list: true, permissions: ["events:read"] },
  { method: "get", path: "/api/events/audit", summary: "The activity log in NetBird's Event shape; everything without limit", tag: "Activity", query: auditQueryDocSchema, response: R.netbirdEventSchema, list: true, permissions: ["events:read"] },
  { method: "get", path: "/api/events/export", summary: "Download the activity log (CSV or JSON lines)", tag: "Activity", query: exportQuerySchema, response: "file", permissions: ["events:read"] },
  { method: "get", path: "/api/events/integrity", summary: "Verify the activity log's hash chain", tag: "Activity", response: R.objectSchema, permissions: ["events:read"] },

  { method: "get", path: "/api/identity-providers", summary: "OpenID Connect providers", tag: "Sign-in settings", response: apiProviderSchema, list: true, permissions: ["identity_providers:read"] },
  { method: "post", path: "/api/identity-providers", summary: "Add an OpenID Connect provider", tag: "Sign-in settings", body: providerInputSchema, response: apiProviderSchema, permissions: ["settings:sign_in"] },
  { method: "get", path: `/api/identity-providers/${uuid}`, summary: "One provider", tag: "Sign-in settings", response: apiProviderSchema, permissions: ["identity_providers:read"] },
  { method: "put", path: `/api/identity-providers/${uuid}`, summary: "Change a provider (the fields sent; the others keep their stored values); leave client_secret out to keep it", tag: "Sign-in settings", body: providerInputSchema, response: apiProviderSchema, permissions: ["settings:sign_in"] },
  { method: "delete", path: `/api/identity-providers/${uuid}`, summary: "Delete a provider", tag: "Sign-in settings", response: R.emptySchema, permissions: ["settings:sign_in"] },
  { method: "post", path: `/api/identity-providers/${uuid}/test`, summary: "Test a provider: its discovery document, then whether its token endpoint accepts the stored client ID and secret (client_credentials: accepted, rejected or unchecked)", tag: "Sign-in settings", response: R.objectSchema, permissions: ["identity_providers:read", "settings:sign_in"] },
  { method: "get", path: "/api/settings/ldap", summary: "The LDAP directory", tag: "Sign-in settings", response: apiLdapSchema, permissions: ["identity_providers:read"] },
  { method: "put", path: "/api/settings/ldap", summary: "Configure the LDAP directory (the fields sent; the others keep their stored values); leave bind_password out to keep it", tag: "Sign-in settings", body: ldapInputSchema, response: apiLdapSchema, permissions: ["settings:sign_in"] },
  { method: "post", path: "/api/settings/ldap/test", summary: "Test an LDAP configuration (the stored one without a body)", tag: "Sign-in settings", body: ldapInputSchema, response: R.objectSchema, permissions: ["settings:sign_in"] },
  { method: "get", path: "/api/settings/sign-in", summary: "Sign-in settings", tag: "Sign-in settings", response: apiSignInSettingsSchema, permissions: ["settings:read"] },
  { method: "put", path: "/api/settings/sign-in", summary: "Turn password sign-in on or off; let people change their own username (or not)", tag: "Sign-in settings", body: signInSwitchesSchema, response: apiSignInSettingsSchema, permissions: ["settings:sign_in"] },
  { method: "get", path: "/api/settings/trusted-header", summary: "Trusted proxy header sign-in", tag: "Sign-in settings", response: apiTrustedHeaderSchema, permissions: ["settings:read"] },
  { method: "put", path: "/api/settings/trusted-header", summary: "Configure trusted proxy header sign-in (the fields sent; the others keep their stored values)", tag: "Sign-in settings", body: trustedHeaderInputSchema, response: apiTrustedHeaderSchema, permissions: ["settings:sign_in"] },
  { method: "post", path: "/api/settings/trusted-header/test", summary: "Test the proxy header with this request: whether it came from a trusted proxy address, whether it carries the user header, and whom it would sign in as (without signing in)", tag: "Sign-in settings", response: apiProxyHeaderCheckSchema, permissions: ["settings:sign_in"] },
  { method: "get", path: "/api/settings/security", summary: "Who must use two-factor sign-in", tag: "Sign-in settings", response: apiSecurityPolicySchema, permissions: ["settings:read"] },
  { method: "get", path: "/api/settings/appearance", summary: "The instance's name and logo", tag: "Settings", response: apiAppearanceSchema, permissions: ["settings:read"] },
  { method: "put", path: "/api/settings/appearance", summary: "Rename the instance (\"\" for the default); owner only", tag: "Settings", body: appearanceInputSchema, response: apiAppearanceSchema, permissions: ["settings:appearance"] },
  { method: "put", path: "/api/settings/appearance/logo", summary: "Set the logo: the picture itself as the body (PNG, JPEG or WebP by its bytes, at most 256 KiB and 4096 × 4096 pixels); owner only", tag: "Settings", response: apiAppearanceSchema, permissions: ["settings:appearance"] },
  { method: "delete", path: "/api/settings/appearance/logo", summary: "Remove the logo; owner only", tag: "Settings", response: apiAppearanceSchema, permissions: ["settings:appearance"] },
  { method: "put", path: "/api/settings/security", summary: "Require two-factor sign-in for nobody, the owner and admins, everyone or chosen groups (owner only; the fields sent, the others keep their stored values)", tag: "Sign-in settings", body: securityPolicySchema, response: apiSecurityPolicySchema, permissions: ["settings:security"] },
  { method: "get", path: "/api/settings/email", summary: "Mail settings (never the SMTP password)", tag: "Settings", response: R.mailSettingsSchema, permissions: ["settings:read"] },
  { method: "put", path: "/api/settings/email", summary: "Change the mail settings (owner): the fields sent; the others keep their stored values; password is write-only", tag: "Settings", body: mailSettingsPatchSchema, response: R.mailSettingsSchema, permissions: ["settings:email"] },
  { method: "post", path: "/api/settings/email/test", summary: "Send a test email now and return the server's answer", tag: "Settings", body: testMailSchema, response: R.mailTestResultSchema, permissions: ["settings:email"] },
  { method: "get", path: "/api/settings/email/deliveries", summary: "Recent mail deliveries (no bodies)", tag: "Settings", response: R.mailDeliverySchema, list: true, permissions: ["settings:read"] },
  { method: "post", path: `/api/settings/email/deliveries/${uuid}/retry`, summary: "Retry a failed delivery", tag: "Settings", response: R.messageSchema, permissions: ["users:update"] },
  { method: "get", path: "/api/settings/retired-usernames", summary: "Usernames held back for 30 days after a deletion or a rename (nobody else may take them; the person they came from may), most recently freed first; ?search= is a whole username", tag: "Settings", query: listParamsSchema, response: R.retiredUsernameSchema, list: true, permissions: ["settings:read", "users:read"] },
  { method: "delete", path: `/api/settings/retired-usernames/${uuid}`, summary: "Release a held-back username before its 30 days are over: anyone may take it at once (the owner only)", tag: "Settings", response: R.emptySchema, permissions: ["settings:sign_in"] },

  // roles: the permission catalogue, roles, and who holds them
  { method: "get", path: "/api/permissions", summary: "The permission catalogue with descriptions", tag: "Roles", response: R.permissionInfoSchema, list: true, permissions: [] },
  { method: "get", path: "/api/roles", summary: "Built-in and custom roles, with who holds them (those the caller may see: people with users:read, service users with service_users:read)", tag: "Roles", response: R.roleSchema, list: true, permissions: ["roles:read"] },
  { method: "post", path: "/api/roles", summary: "Create a custom role", tag: "Roles", body: roleInputSchema, response: R.roleSchema, permissions: ["roles:create"] },
  { method: "get", path: `/api/roles/${uuid}`, summary: "One role, with who holds it (as the list)", tag: "Roles", response: R.roleSchema, permissions: ["roles:read"] },
  { method: "put", path: `/api/roles/${uuid}`, summary: "Change a custom role (the fields sent; the others keep their stored values)", tag: "Roles", body: roleInputSchema, response: R.roleSchema, permissions: ["roles:update"] },
  { method: "delete", path: `/api/roles/${uuid}`, summary: "Delete a custom role (its holders lose it)", tag: "Roles", response: R.emptySchema, permissions: ["roles:delete"] },
  { method: "get", path: `/api/users/${uuid}/roles`, summary: "A user's roles and where each permission comes from (a service user's: with service_users:read)", tag: "Roles", response: R.userRolesSchema, permissions: ["users:read"], denied: 404 },
  { method: "put", path: `/api/users/${uuid}/roles`, summary: "Set all of a user's extra roles (a service user's: with service_users:update too; 404 without service_users:read)", tag: "Roles", body: roleIdsSchema, response: R.roleIdsResponseSchema, permissions: ["users:update"] },
  // applications (issue 15): other apps and CLIs that sign people in through Latchkey
  { method: "get", path: "/api/applications", summary: "Applications, by name (never their secrets)", tag: "Applications", query: listParamsSchema, response: R.applicationSchema, list: true, permissions: ["applications:read"] },
  { method: "post", path: "/api/applications", summary: "Register an application (a web app's client secret is in this response only)", tag: "Applications", body: createApplicationSchema, response: R.applicationWithSecretSchema, status: 201, secret: true, permissions: ["applications:create"] },
  { method: "get", path: `/api/applications/${uuid}`, summary: "One application", tag: "Applications", response: R.applicationSchema, permissions: ["applications:read"] },
  { method: "put", path: `/api/applications/${uuid}`, summary: "Change an application: the fields sent (the type is fixed)", tag: "Applications", body: updateApplicationSchema, response: R.applicationSchema, permissions: ["applications:update"] },
  { method: "delete", path: `/api/applications/${uuid}`, summary: "Delete an application (its sign-ins end)", tag: "Applications", response: R.emptySchema, permissions: ["applications:delete"] },
  { method: "post", path: `/api/applications/${uuid}/rotate-secret`, summary: "A new client secret for a web app (in this response only); the old one stops working. Send {\"replaces\": client_secret_id} to be refused (409) when it was rotated meanwhile", tag: "Applications", body: rotateApplicationSecretSchema, response: R.applicationWithSecretSchema, secret: true, permissions: ["applications:update"] },
  { method: "get", path: `/api/groups/${uuid}/roles`, summary: "The roles a group grants its members", tag: "Roles", response: R.roleIdsResponseSchema, permissions: ["groups:read"] },
  { method: "put", path: `/api/groups/${uuid}/roles`, summary: "Set the roles a group grants its members", tag: "Roles", body: roleIdsSchema, response: R.roleIdsResponseSchema, permissions: ["groups:update"] },
];
