/**
 * Managing OIDC identity providers (Settings → Identity Providers and
 * /api/identity-providers). Client secrets are sealed before they reach the
 * database, never returned, and never written to the activity log: events
 * only say that the secret was replaced.
 */
import "server-only";
import crypto from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { db, writeTransaction, type Tx } from "@/lib/db/client";
import { identityProviders, users, type IdentityProviderRow, type IdpType, type Role, type SignupPolicy } from "@/lib/db/schema";
import { Conflict, Invalid, PreconditionFailed } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { parseOrThrow } from "@/lib/http/validation";
import { forgetSignInOptions } from "./sign-in-options";
import { findProviderRow, loadProviderRow, providerRows, sealProviderSecret } from "./records";
import { providerInputSchema, type ProviderInput } from "./schemas";
import { assertOwnerKeepsWayIn } from "./way-in";

const MANAGE_DENIED = "Only admins and the owner can change identity providers";
const READ_DENIED = "Only admins, auditors and the owner can see identity providers";

export const IDP_TYPE_LABELS: Record<IdpType, string> = {
  google: "Google",
  microsoft: "Microsoft Entra ID",
  okta: "Okta",
  oidc: "OpenID Connect",
};

export type ProviderRecord = {
  id: string;
  type: IdpType;
  name: string;
  issuer: string;
  clientId: string;
  scopes: string;
  enabled: boolean;
  signupPolicy: SignupPolicy;
  allowedDomains: string[];
  defaultRole: Role;
  autoGroups: string[];
  allowLinking: boolean;
  /** How many users sign in through it. */
  usersCount: number;
  createdAt: Date;
  updatedAt: Date;
};

function usersOf(q: Tx | ReturnType<typeof db>, accountId: string, providerId: string): number {
  return q
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.idpId, providerId)))
    .get()!.n;
}

function toRecord(row: IdentityProviderRow, usersCount: number): ProviderRecord {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    issuer: row.issuer,
    clientId: row.clientId,
    scopes: row.scopes,
    enabled: row.enabled,
    signupPolicy: row.signupPolicy,
    allowedDomains: row.allowedDomains,
    defaultRole: row.defaultRole,
    autoGroups: row.defaultGroups,
    allowLinking: row.allowLinking,
    usersCount,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function listProviders(actor: Actor): ProviderRecord[] {
  assertCan(actor, "settings:read", READ_DENIED);
  return providerRows(db(), actor.accountId).map((row) => toRecord(row, usersOf(db(), actor.accountId, row.id)));
}

export function getProvider(actor: Actor, id: string): ProviderRecord {
  assertCan(actor, "settings:read", READ_DENIED);
  return toRecord(loadProviderRow(db(), actor.accountId, id), usersOf(db(), actor.accountId, id));
}

function assertNameFree(tx: Tx, accountId: string, name: string, exceptId?: string): void {
  const taken = providerRows(tx, accountId).some((p) => p.id !== exceptId && p.name.toLowerCase() === name.toLowerCase());
  if (taken) throw new Invalid("Display name is taken", { name: ["Another provider already has this display name"] });
}

/** What the activity log keeps of a configuration: everything but the secret. */
function publicConfig(input: ProviderInput) {
  return {
    type: input.type,
    name: input.name,
    issuer: input.issuer,
    client_id: input.client_id,
    scopes: input.scopes,
    enabled: input.enabled,
    signup_policy: input.signup_policy,
    allowed_domains: input.allowed_domains,
    default_role: input.default_role,
    auto_groups: input.auto_groups,
    allow_linking: input.allow_linking,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Adds a provider. `id` lets the dashboard show the redirect URL before the
 * provider is saved; it must be a fresh UUID.
 */
export function createProvider(actor: Actor, rawInput: ProviderInput, meta: RequestMeta, id: string = crypto.randomUUID()): ProviderRecord {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const input = parseOrThrow(providerInputSchema, rawInput);
  if (!UUID.test(id)) throw new Invalid("Invalid provider id");
  if (!input.client_secret) throw new Invalid("Client secret is required", { client_secret: ["Client secret is required"] });
  const secret = input.client_secret;
  const record = writeTransaction((tx) => {
    if (findProviderRow(tx, actor.accountId, id)) throw new Conflict("This provider was already added; reload the page");
    assertNameFree(tx, actor.accountId, input.name);
    assertGroupsExist(tx, actor.accountId, input.auto_groups);
    const row = tx
      .insert(identityProviders)
      .values({
        id,
        accountId: actor.accountId,
        type: input.type,
        name: input.name,
        issuer: input.issuer,
        clientId: input.client_id,
        clientSecretCiphertext: sealProviderSecret(id, secret),
        scopes: input.scopes,
        enabled: input.enabled,
        signupPolicy: input.signup_policy,
        allowedDomains: input.allowed_domains,
        defaultRole: input.default_role,
        defaultGroups: [...new Set(input.auto_groups)],
        allowLinking: input.allow_linking,
        updatedAt: new Date(),
      })
      .returning()
      .get();
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "identity_provider.created",
      actor: actorParty(tx, actor),
      target: { type: "identity_provider", id, label: input.name },
      details: publicConfig(input),
      meta,
    });
    return toRecord(row, 0);
  });
  forgetSignInOptions();
  return record;
}

export function updateProvider(actor: Actor, id: string, rawInput: ProviderInput, meta: RequestMeta): ProviderRecord {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const input = parseOrThrow(providerInputSchema, rawInput);
  const record = writeTransaction((tx) => {
    const before = loadProviderRow(tx, actor.accountId, id);
    assertNameFree(tx, actor.accountId, input.name, id);
    assertGroupsExist(tx, actor.accountId, input.auto_groups);
    if (before.enabled && !input.enabled) {
      assertOwnerKeepsWayIn(tx, actor.accountId, (s) => {
        s.enabledProviderIds.delete(id);
        return s;
      });
    }
    const next = publicConfig(input);
    const prev: Record<string, unknown> = {
      type: before.type,
      name: before.name,
      issuer: before.issuer,
      client_id: before.clientId,
      scopes: before.scopes,
      enabled: before.enabled,
      signup_policy: before.signupPolicy,
      allowed_domains: before.allowedDomains,
      default_role: before.defaultRole,
      auto_groups: before.defaultGroups,
      allow_linking: before.allowLinking,
    };
    const changed = Object.keys(next).filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k as keyof typeof next]));
    const row = tx
      .update(identityProviders)
      .set({
        type: input.type,
        name: input.name,
        issuer: input.issuer,
        clientId: input.client_id,
        ...(input.client_secret ? { clientSecretCiphertext: sealProviderSecret(id, input.client_secret) } : {}),
        scopes: input.scopes,
        enabled: input.enabled,
        signupPolicy: input.signup_policy,
        allowedDomains: input.allowed_domains,
        defaultRole: input.default_role,
        defaultGroups: [...new Set(input.auto_groups)],
        allowLinking: input.allow_linking,
        updatedAt: new Date(),
      })
      .where(and(eq(identityProviders.accountId, actor.accountId), eq(identityProviders.id, id)))
      .returning()
      .get();
    if (input.client_secret) changed.push("client_secret");
    if (changed.length > 0) {
      const changes: Record<string, unknown> = {};
      // The secret is named as changed, never shown, not even as before/after.
      for (const k of changed) if (k !== "client_secret") changes[k] = { from: prev[k], to: next[k as keyof typeof next] };
      const enabledChanged = before.enabled !== input.enabled;
      recordEvent(tx, {
        accountId: actor.accountId,
        action: enabledChanged && changed.length === 1 ? (input.enabled ? "identity_provider.enabled" : "identity_provider.disabled") : "identity_provider.updated",
        actor: actorParty(tx, actor),
        target: { type: "identity_provider", id, label: input.name },
        details: { changed, changes },
        meta,
      });
    }
    return toRecord(row, usersOf(tx, actor.accountId, id));
  });
  forgetSignInOptions();
  return record;
}

export function setProviderEnabled(actor: Actor, id: string, enabled: boolean, meta: RequestMeta): ProviderRecord {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const current = loadProviderRow(db(), actor.accountId, id);
  return updateProvider(
    actor,
    id,
    {
      type: current.type,
      name: current.name,
      issuer: current.issuer,
      client_id: current.clientId,
      client_secret: undefined,
      scopes: current.scopes,
      enabled,
      signup_policy: current.signupPolicy,
      allowed_domains: current.allowedDomains,
      default_role: current.defaultRole === "owner" ? "user" : current.defaultRole,
      auto_groups: current.defaultGroups,
      allow_linking: current.allowLinking,
    },
    meta,
  );
}

/** Deletes a provider nobody signs in with any more; with users left, disable it instead. */
export function deleteProvider(actor: Actor, id: string, meta: RequestMeta): void {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  writeTransaction((tx) => {
    const row = loadProviderRow(tx, actor.accountId, id);
    const n = usersOf(tx, actor.accountId, id);
    if (n > 0) {
      throw new PreconditionFailed(
        `${n} ${n === 1 ? "user signs" : "users sign"} in with ${row.name}. Disable the provider instead, or delete ${n === 1 ? "that user" : "those users"} first.`,
      );
    }
    tx.delete(identityProviders).where(and(eq(identityProviders.accountId, actor.accountId), eq(identityProviders.id, id))).run();
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "identity_provider.deleted",
      actor: actorParty(tx, actor),
      target: { type: "identity_provider", id, label: row.name },
      details: { type: row.type, issuer: row.issuer },
      meta,
    });
  });
  forgetSignInOptions();
}
