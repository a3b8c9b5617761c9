/**
 * NetBird's management API response schemas, as JSON Schema, written for these
 * tests from NetBird's OpenAPI document (shared/management/http/api/openapi.yml):
 * the required fields, types and enums its Go client and Terraform provider
 * rely on. A response that passes here decodes in NetBird's clients.
 */
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { expect } from "@playwright/test";

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const int = { type: "integer" } as const;
const dateTime = { type: "string", format: "date-time" } as const;
const strings = { type: "array", items: str } as const;

const operations = { type: "object", additionalProperties: bool } as const;

/** The activity codes of NetBird's Event enum that Latchkey's activities map to. */
export const NETBIRD_ACTIVITY_CODES = [
  "account.create",
  "dashboard.login",
  "user.invite",
  "user.delete",
  "user.block",
  "user.unblock",
  "user.role.update",
  "user.password.change",
  "user.approve",
  "user.reject",
  "transferred.owner.role",
  "service.user.create",
  "service.user.delete",
  "personal.access.token.create",
  "personal.access.token.delete",
  "user.invite.link.create",
  "user.invite.link.regenerate",
  "user.invite.link.delete",
  "user.invite.link.accept",
  "group.add",
  "group.update",
  "group.delete",
  "identityprovider.create",
  "identityprovider.update",
  "identityprovider.delete",
];

export const NETBIRD_SCHEMAS = {
  User: {
    type: "object",
    required: ["id", "email", "name", "role", "auto_groups", "status", "is_blocked", "pending_approval"],
    properties: {
      id: str,
      email: str,
      password: str,
      name: str,
      role: str,
      status: { type: "string", enum: ["active", "invited", "blocked"] },
      last_login: dateTime,
      auto_groups: strings,
      is_current: bool,
      is_service_user: bool,
      is_blocked: bool,
      pending_approval: bool,
      issued: str,
      idp_id: str,
      permissions: {
        type: "object",
        required: ["modules", "is_restricted"],
        properties: { is_restricted: bool, modules: { type: "object", additionalProperties: operations } },
      },
    },
  },
  PersonalAccessToken: {
    type: "object",
    required: ["id", "name", "expiration_date", "created_by", "created_at"],
    properties: { id: str, name: str, expiration_date: dateTime, created_by: str, created_at: dateTime, last_used: dateTime },
  },
  PersonalAccessTokenGenerated: {
    type: "object",
    required: ["plain_token", "personal_access_token"],
    properties: { plain_token: str, personal_access_token: { $ref: "PersonalAccessToken" } },
  },
  Group: {
    type: "object",
    required: ["id", "name", "peers_count", "resources_count", "peers", "resources"],
    properties: {
      id: str,
      name: str,
      peers_count: int,
      resources_count: int,
      issued: { type: "string", enum: ["api", "integration", "jwt"] },
      peers: { type: "array", items: { type: "object", required: ["id", "name"], properties: { id: str, name: str } } },
      resources: { type: "array", items: { type: "object", required: ["id", "type"], properties: { id: str, type: str } } },
    },
  },
  UserInvite: {
    type: "object",
    required: ["id", "email", "name", "role", "auto_groups", "expires_at", "created_at", "expired"],
    properties: {
      id: str,
      email: str,
      name: str,
      role: str,
      auto_groups: strings,
      expires_at: dateTime,
      created_at: dateTime,
      expired: bool,
      invite_token: str,
    },
  },
  UserInviteRegenerateResponse: {
    type: "object",
    required: ["invite_token", "invite_expires_at"],
    properties: { invite_token: str, invite_expires_at: dateTime },
  },
  UserInviteInfo: {
    type: "object",
    required: ["email", "name", "expires_at", "valid", "invited_by"],
    properties: { email: str, name: str, expires_at: dateTime, valid: bool, invited_by: str },
  },
  UserInviteAcceptResponse: { type: "object", required: ["success"], properties: { success: bool } },
  SetupResponse: {
    type: "object",
    required: ["user_id", "email"],
    properties: { user_id: str, email: str, personal_access_token: str },
  },
  InstanceStatus: { type: "object", required: ["setup_required"], properties: { setup_required: bool } },
  InstanceVersionInfo: {
    type: "object",
    required: ["management_current_version", "management_update_available"],
    properties: {
      management_current_version: str,
      dashboard_available_version: str,
      management_available_version: str,
      management_update_available: bool,
    },
  },
  Event: {
    type: "object",
    required: ["id", "timestamp", "activity", "activity_code", "initiator_id", "initiator_name", "initiator_email", "target_id", "meta"],
    properties: {
      id: str,
      timestamp: dateTime,
      activity: str,
      activity_code: str,
      initiator_id: str,
      initiator_name: str,
      initiator_email: str,
      target_id: str,
      meta: { type: "object", additionalProperties: str },
    },
  },
  /** NetBird's util.ErrorResponse, which its client decodes from every status above 299. */
  ErrorResponse: { type: "object", required: ["message", "code"], properties: { message: str, code: int } },
} as const;

export type NetbirdSchemaName = keyof typeof NETBIRD_SCHEMAS;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
for (const [name, schema] of Object.entries(NETBIRD_SCHEMAS)) ajv.addSchema({ $id: name, ...schema });

function validator(name: NetbirdSchemaName, list: boolean): ValidateFunction {
  const id = list ? `${name}[]` : name;
  return ajv.getSchema(id) ?? (ajv.addSchema({ $id: id, type: "array", items: { $ref: name } }), ajv.getSchema(id)!);
}

/** Asserts that a body decodes as NetBird's schema (a list of them with `list`). */
export function expectNetbirdShape(body: unknown, name: NetbirdSchemaName, list = false): void {
  const validate = validator(name, list);
  const ok = validate(body);
  expect(ok, `not NetBird's ${name}${list ? "[]" : ""}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`).toBe(true);
}
