/**
 * Helpers for the invite API specs: the invite resource, invite-link tokens
 * (valid-looking ones the server never issued), the public look-up and accept
 * calls, and moving an invite's expiry into the past in the test server's
 * database (there is no clock seam over HTTP).
 */
import crypto from "node:crypto";
import { expect } from "@playwright/test";
import { call, tokenChecksum, type JsonResponse } from "./api";
import { openInstanceDatabase } from "./database";
import type { Instance } from "./server";
import { uniqueEmail, type Client, type Role } from "./users-api";

/** The shown-once invite link token: lki_ + 30 random base62 + 6 base62 checksum. */
export const INVITE_TOKEN_PATTERN = /^lki_[0-9A-Za-z]{36}$/;

export const DEFAULT_EXPIRES_IN = 259_200;

/** What the messages for dead links must say (the reason, so the person knows what to do). */
export const MESSAGES = {
  unknown: /not valid/i,
  used: /already been used/i,
  replaced: /replaced/i,
  withdrawn: /withdrawn/i,
  expired: /expired/i,
};

/** The invite resource (NetBird's user-invite shape). */
export type ApiInvite = {
  id: string;
  /** "" for a link handed over without an email. */
  email: string;
  /** usernames: chosen by the admin; null: the invitee picks it. */
  username: string | null;
  name: string;
  role: Role;
  auto_groups: string[];
  invite_expires_at: string;
  created_at: string;
  expired: boolean;
  invited_by?: string;
  /** Only in the answers to create and regenerate. */
  invite_link?: string;
};

/** What the public look-up answers. */
export type InviteLookup = {
  email: string;
  username: string | null;
  name: string;
  role: Role;
  expires_at: string;
  valid: boolean;
  invited_by: string;
};

export type InviteInput = { email: string; name: string; role: Exclude<Role, "owner">; auto_groups?: string[]; expires_in?: number };

/** A fresh person to invite: a unique email and a name. */
export function invitee(label: string, role: InviteInput["role"] = "user"): InviteInput {
  return { email: uniqueEmail(label), name: `${label[0].toUpperCase()}${label.slice(1)} ${crypto.randomBytes(2).toString("hex")}`, role };
}

/** POST /api/users/invites as `client`, expecting success and a well-formed link. */
export async function createInvite(client: Client, input: InviteInput): Promise<ApiInvite & { invite_link: string }> {
  const res = await client.post<ApiInvite>("/api/users/invites", input);
  expect(res.status, `POST /api/users/invites ${JSON.stringify(input)}: ${res.text}`).toBe(200);
  expect(res.body.invite_link, `no invite_link in ${res.text}`).toMatch(INVITE_TOKEN_PATTERN);
  return res.body as ApiInvite & { invite_link: string };
}

/** GET /api/users/invites, checking the list shape and X-Total-Count. */
export async function listInvites(client: Client): Promise<ApiInvite[]> {
  const res = await client.get<ApiInvite[]>("/api/users/invites");
  expect(res.status, `GET /api/users/invites: ${res.text}`).toBe(200);
  expect(Array.isArray(res.body), res.text).toBe(true);
  expect(res.headers.get("x-total-count"), "X-Total-Count").toBe(String(res.body.length));
  return res.body;
}

export async function findListed(client: Client, id: string): Promise<ApiInvite | undefined> {
  return (await listInvites(client)).find((i) => i.id === id);
}

/** A token with the invite prefix, the right length and checksum, that the server never issued. */
export function wellFormedUnknownInviteToken(prefix = "lki"): string {
  const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let secret = "";
  for (const byte of crypto.randomBytes(30)) secret += BASE62[byte % 62];
  return `${prefix}_${secret}${tokenChecksum(secret)}`;
}

/** Public: GET /api/invites/{token}. `headers` may carry X-Forwarded-For on a TRUST_PROXY server. */
export function lookupInvite(instance: Instance, token: string, headers: Record<string, string> = {}): Promise<JsonResponse<InviteLookup>> {
  return call<InviteLookup>(instance, `/api/invites/${encodeURIComponent(token)}`, { headers });
}

/** Public: POST /api/invites/{token}/accept {"password", "username"?}. */
export function acceptInvite(
  instance: Instance,
  token: string,
  password: unknown,
  headers: Record<string, string> = {},
  username?: string,
): Promise<JsonResponse<{ user_id: string; email: string; username: string }>> {
  return call(instance, `/api/invites/${encodeURIComponent(token)}/accept`, { method: "POST", headers, json: { password, ...(username === undefined ? {} : { username }) } });
}

/** Moves an invite's expiry into the past, straight in the server's database. */
export function expireInvite(instance: Instance, inviteId: string, agoMs = 60_000): void {
  const database = openInstanceDatabase(instance);
  try {
    const changed = database.prepare("UPDATE invites SET expires_at = ? WHERE id = ?").run(Date.now() - agoMs, inviteId).changes;
    expect(changed, `no invite row ${inviteId} to expire`).toBe(1);
  } finally {
    database.close();
  }
}

/** Asserts an ISO timestamp lies `seconds` from `from` (give or take the request's duration). */
export function expectExpiresIn(iso: string, seconds: number, from: number, slackMs = 15_000): void {
  const at = Date.parse(iso);
  expect(Number.isNaN(at), `not a timestamp: ${iso}`).toBe(false);
  expect(Math.abs(at - (from + seconds * 1000)), `${iso} is not ${seconds}s after ${new Date(from).toISOString()}`).toBeLessThan(slackMs);
}
