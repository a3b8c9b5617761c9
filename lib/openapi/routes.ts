/**
 * Every route of /api with its request and response schemas: the one
 * registry the OpenAPI document is built from. Request schemas are the ones
 * the routes parse with; a unit test checks every route file is listed here.
 */
import { z } from "zod";
import { eventFiltersSchema } from "@/lib/audit/event-filters";
import { groupFiltersSchema, groupInputSchema } from "@/lib/groups/schemas";
import { listParamsSchema } from "@/lib/http/list-params";
import { ldapInputSchema, localSignInSchema, providerInputSchema, trustedHeaderInputSchema } from "@/lib/idp/schemas";
import { acceptInviteSchema, createInviteSchema, regenerateInviteSchema, resendInviteSchema } from "@/lib/invites/schemas";
import { mailSettingsInputSchema, testMailSchema } from "@/lib/mail/schemas";
import { setupInputSchema } from "@/lib/setup/setup";
import { createTokenSchema } from "@/lib/tokens/schemas";
import { resetPasswordSchema } from "@/lib/users/access-control";
import { changePasswordSchema } from "@/lib/users/password";
import { forgotPasswordSchema, resetWithTokenSchema } from "@/lib/users/password-reset";
import { confirmEmailChangeSchema, emailChangeSchema } from "@/lib/users/email-change";
import { userFiltersSchema } from "@/lib/users/queries";
import { createUserSchema, updateUserSchema } from "@/lib/users/schemas";
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
  /** Carries a secret shown once: Cache-Control: no-store. */
  secret?: boolean;
};

const uuid = "{id}";

export const API_ROUTES: ApiRoute[] = [
  { method: "get", path: "/api/health", summary: "Liveness probe", tag: "Instance", public: true, response: R.healthSchema },
  { method: "get", path: "/api/instance", summary: "Whether first-run setup is still required", tag: "Instance", public: true, response: R.instanceStatusSchema },
  { method: "get", path: "/api/instance/version", summary: "This server's version", tag: "Instance", response: R.versionSchema },
  { method: "post", path: "/api/instance/setup", summary: "First-run setup: create the owner (once)", tag: "Instance", public: true, body: setupInputSchema, response: R.setupResponseSchema, secret: true },
  { method: "post", path: "/api/setup", summary: "First-run setup at NetBird's path", tag: "Instance", public: true, body: setupInputSchema, response: R.setupResponseSchema, secret: true },
  { method: "get", path: "/api/docs", summary: "The API reference page (HTML)", tag: "Instance", public: true, response: "file" },
  { method: "get", path: "/api/docs/assets/{file}", summary: "The reference page's script and style files", tag: "Instance", public: true, response: "file" },
  { method: "get", path: "/api/openapi.json", summary: "This document", tag: "Instance", public: true, response: R.objectSchema },

  { method: "get", path: "/api/users", summary: "List users (the caller first); everything without limit", tag: "Users", query: userFiltersSchema, response: R.userSchema, list: true },
  { method: "post", path: "/api/users", summary: "Create a person (with a generated password) or a service user", tag: "Users", body: createUserSchema, response: R.userSchema, secret: true },
  { method: "get", path: "/api/users/current", summary: "The caller, with NetBird's permissions object", tag: "Users", response: R.currentUserSchema },
  { method: "get", path: `/api/users/${uuid}`, summary: "One user", tag: "Users", response: R.userSchema },
  { method: "put", path: `/api/users/${uuid}`, summary: "Update a user's role, groups, block state, name or email", tag: "Users", body: updateUserSchema, response: R.userSchema },
  { method: "delete", path: `/api/users/${uuid}`, summary: "Delete a user", tag: "Users", response: R.emptySchema },
  { method: "put", path: `/api/users/${uuid}/password`, summary: "Change one's own password", tag: "Users", body: changePasswordSchema, response: R.messageSchema },
  { method: "post", path: `/api/users/${uuid}/password-reset`, summary: "Admin password reset (generated when none is sent)", tag: "Users", body: resetPasswordSchema, response: z.object({ password: z.string().optional() }), secret: true },
  { method: "post", path: "/api/users/current/email", summary: "Change one's own email (confirmed by a link sent to the new address)", tag: "Users", body: emailChangeSchema, response: R.messageSchema },
  { method: "post", path: "/api/email-change/confirm", summary: "Confirm a new email address with the link's token", tag: "Users", public: true, body: confirmEmailChangeSchema, response: R.messageSchema },
  { method: "post", path: `/api/users/${uuid}/password-reset-link`, summary: "Send the person a single-use link to set a new password (by email)", tag: "Users", response: R.messageSchema },
  { method: "post", path: "/api/password-reset", summary: "Forgot password: email a reset link (same answer for any email)", tag: "Users", public: true, body: forgotPasswordSchema, response: R.messageSchema },
  { method: "post", path: "/api/password-reset/confirm", summary: "Set a new password with a reset link's token (single use, 30 minutes)", tag: "Users", public: true, body: resetWithTokenSchema, response: R.messageSchema },
  { method: "post", path: `/api/users/${uuid}/unlock`, summary: "End a sign-in lock", tag: "Users", response: R.objectSchema },
  { method: "post", path: `/api/users/${uuid}/approve`, summary: "Approve a user waiting for approval", tag: "Users", response: R.userSchema },
  { method: "delete", path: `/api/users/${uuid}/reject`, summary: "Reject (remove) a user waiting for approval", tag: "Users", response: R.emptySchema },
  { method: "post", path: `/api/users/${uuid}/invite`, summary: "Resend: a fresh link for a pending invite (id is the invite's)", tag: "Invites", response: R.inviteSchema, secret: true },
  { method: "get", path: `/api/users/${uuid}/sessions`, summary: "A user's signed-in sessions", tag: "Users", response: R.sessionSchema, list: true },
  { method: "delete", path: `/api/users/${uuid}/sessions`, summary: "Sign a user out everywhere; ?revoke_tokens=true ends their access tokens too", tag: "Users", query: z.object({ revoke_tokens: z.enum(["true", "false"]).optional() }), response: R.objectSchema },

  { method: "get", path: `/api/users/${uuid}/service-tokens`, summary: "The service users' tokens this user created (also after the user is deleted)", tag: "Tokens", response: R.createdServiceTokenSchema, list: true },
  { method: "get", path: `/api/users/${uuid}/tokens`, summary: "A user's access tokens", tag: "Tokens", response: R.tokenSchema, list: true },
  { method: "post", path: `/api/users/${uuid}/tokens`, summary: "Create an access token (shown once)", tag: "Tokens", body: createTokenSchema, response: R.tokenGeneratedSchema, secret: true },
  { method: "get", path: `/api/users/${uuid}/tokens/{tokenId}`, summary: "One access token", tag: "Tokens", response: R.tokenSchema },
  { method: "delete", path: `/api/users/${uuid}/tokens/{tokenId}`, summary: "Delete an access token", tag: "Tokens", response: R.emptySchema },

  { method: "get", path: "/api/users/invites", summary: "Pending invites", tag: "Invites", query: listParamsSchema, response: R.inviteSchema, list: true },
  { method: "post", path: "/api/users/invites", summary: "Invite someone (the link is shown once)", tag: "Invites", body: createInviteSchema, response: R.inviteSchema, secret: true },
  { method: "get", path: `/api/users/invites/${uuid}`, summary: "What an invite link is for (id is the invite token; NetBird's path)", tag: "Invites", public: true, response: R.inviteInfoSchema },
  { method: "delete", path: `/api/users/invites/${uuid}`, summary: "Withdraw an invite", tag: "Invites", response: R.emptySchema },
  { method: "post", path: `/api/users/invites/${uuid}/accept`, summary: "Accept an invite with a password (id is the invite token; NetBird's path)", tag: "Invites", public: true, body: acceptInviteSchema, response: R.inviteAcceptedSchema },
  { method: "post", path: `/api/users/invites/${uuid}/regenerate`, summary: "A new link for an invite (the old one stops working)", tag: "Invites", body: regenerateInviteSchema, response: R.inviteSchema, secret: true },
  { method: "post", path: `/api/users/invites/${uuid}/resend`, summary: "Resend an invite by email: a fresh link to the invitee (the old one stops working; the link is not in the response)", tag: "Invites", body: resendInviteSchema, response: R.inviteSchema },
  { method: "get", path: "/api/invites/{token}", summary: "What an invite link is for", tag: "Invites", public: true, response: R.inviteInfoSchema },
  { method: "post", path: "/api/invites/{token}/accept", summary: "Accept an invite with a password", tag: "Invites", public: true, body: acceptInviteSchema, response: R.inviteAcceptedSchema },

  { method: "get", path: "/api/groups", summary: "Groups by name; ?name= is an exact match (404 when none)", tag: "Groups", query: groupFiltersSchema, response: R.groupSchema, list: true },
  { method: "post", path: "/api/groups", summary: "Create a group", tag: "Groups", body: groupInputSchema, response: R.groupSchema },
  { method: "get", path: `/api/groups/${uuid}`, summary: "One group with its members", tag: "Groups", response: R.groupDetailSchema },
  { method: "put", path: `/api/groups/${uuid}`, summary: "Rename a group", tag: "Groups", body: groupInputSchema, response: R.groupSchema },
  { method: "delete", path: `/api/groups/${uuid}`, summary: "Delete a group", tag: "Groups", response: R.emptySchema },

  { method: "get", path: "/api/events", summary: "The activity log, newest first, with filters and cursor paging", tag: "Activity", query: eventFiltersSchema, response: R.eventSchema, list: true },
  { method: "get", path: "/api/events/audit", summary: "The activity log in NetBird's Event shape; everything without limit", tag: "Activity", query: eventFiltersSchema, response: R.netbirdEventSchema, list: true },
  { method: "get", path: "/api/events/export", summary: "Download the activity log (CSV or JSON lines)", tag: "Activity", response: "file" },
  { method: "get", path: "/api/events/integrity", summary: "Verify the activity log's hash chain", tag: "Activity", response: R.objectSchema },

  { method: "get", path: "/api/identity-providers", summary: "OpenID Connect providers", tag: "Sign-in settings", response: R.objectSchema, list: true },
  { method: "post", path: "/api/identity-providers", summary: "Add an OpenID Connect provider", tag: "Sign-in settings", body: providerInputSchema, response: R.objectSchema },
  { method: "get", path: `/api/identity-providers/${uuid}`, summary: "One provider", tag: "Sign-in settings", response: R.objectSchema },
  { method: "put", path: `/api/identity-providers/${uuid}`, summary: "Change a provider", tag: "Sign-in settings", body: providerInputSchema, response: R.objectSchema },
  { method: "delete", path: `/api/identity-providers/${uuid}`, summary: "Delete a provider", tag: "Sign-in settings", response: R.emptySchema },
  { method: "post", path: `/api/identity-providers/${uuid}/test`, summary: "Test a provider's discovery document", tag: "Sign-in settings", response: R.objectSchema },
  { method: "get", path: "/api/settings/ldap", summary: "The LDAP directory", tag: "Sign-in settings", response: R.objectSchema },
  { method: "put", path: "/api/settings/ldap", summary: "Configure the LDAP directory", tag: "Sign-in settings", body: ldapInputSchema, response: R.objectSchema },
  { method: "post", path: "/api/settings/ldap/test", summary: "Test an LDAP configuration (the stored one without a body)", tag: "Sign-in settings", body: ldapInputSchema, response: R.objectSchema },
  { method: "get", path: "/api/settings/email", summary: "Mail settings (never the SMTP password)", tag: "Settings", response: R.mailSettingsSchema },
  { method: "put", path: "/api/settings/email", summary: "Change the mail settings (owner); password is write-only", tag: "Settings", body: mailSettingsInputSchema, response: R.mailSettingsSchema },
  { method: "post", path: "/api/settings/email/test", summary: "Send a test email now and return the server's answer", tag: "Settings", body: testMailSchema, response: R.mailTestResultSchema },
  { method: "get", path: "/api/settings/email/deliveries", summary: "Recent mail deliveries (no bodies)", tag: "Settings", response: R.mailDeliverySchema, list: true },
  { method: "post", path: `/api/settings/email/deliveries/${uuid}/retry`, summary: "Retry a failed delivery", tag: "Settings", response: R.messageSchema },
  { method: "get", path: "/api/settings/sign-in", summary: "Sign-in settings", tag: "Sign-in settings", response: R.objectSchema },
  { method: "put", path: "/api/settings/sign-in", summary: "Turn password sign-in on or off", tag: "Sign-in settings", body: localSignInSchema, response: R.objectSchema },
  { method: "get", path: "/api/settings/trusted-header", summary: "Trusted proxy header sign-in", tag: "Sign-in settings", response: R.objectSchema },
  { method: "put", path: "/api/settings/trusted-header", summary: "Configure trusted proxy header sign-in", tag: "Sign-in settings", body: trustedHeaderInputSchema, response: R.objectSchema },
];
