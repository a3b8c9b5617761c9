/**
 * Managing OIDC identity providers (Settings → Identity providers and
 * /api/identity-providers). Everyone who may see settings reads them; only
 * the owner changes them, checked on the caller as they are inside the write
 * transaction. Client secrets are sealed before they reach the
 * database, never returned, and never written to the activity log: events
 * only say that the secret was replaced.
 */
import "server-only";
import crypto from "node:crypto";
import { and, count, eq, isNotNull } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { identityProviders, users, type IdentityProviderRow, type IdpType, type Role, type SignupPolicy } from "@/lib/db/schema";
import { Conflict, Invalid, PreconditionFailed } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { parseOrThrow } from "@/lib/http/validation";
import { patched, type Patch } from "@/lib/data/patch";
import { signInConfigurationChanged } from "./configuration-version";
import { findProviderRow, loadProviderRow, openProviderSecret, providerRows, sealProviderSecret } from "./records";
import { providerInputSchema, type ProviderInput } from "./schemas";
import { assertPrivilegedSignupAccepted, type SignupGrant } from "./privileged-signup";
import { probeProvider } from "./provider-test";
import { assertTestedConnection, ownerWayInTestFailed } from "./owner-connection";
import { endSessionsIfSwitchedOff, endSessionsThrough } from "./source-closed";
import { assertOwnerKeepsWayIn, ownerOnlyThrough } from "./way-in";

const MANAGE_DENIED = "Only the owner can change identity providers";
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
  allowInternalAddresses: boolean;
  requireApproval: boolean;
  /** How many users sign in through it. */
  usersCount: number;
  createdAt: Date;
  updatedAt: Date;
};

async function usersOf(q: Db | Tx, accountId: string, providerId: string): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.idpId, providerId)));
  return Number(row?.n ?? 0);
}

/** How many users sign in through each source of the account, in one query (for the list). */
async function usersPerSource(accountId: string): Promise<Map<string, number>> {
  const rows = await db()
    .select({ idpId: users.idpId, n: count() })
    .from(users)
    .where(and(eq(users.accountId, accountId), isNotNull(users.idpId)))
    .groupBy(users.idpId);
  return new Map(rows.map((r) => [r.idpId as string, Number(r.n)]));
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
    allowInternalAddresses: row.allowInternalAddresses,
    requireApproval: row.requireApproval,
    usersCount,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function assertManagesSignIn(actor: Actor): void {
  assertCan(actor, "settings:sign_in", MANAGE_DENIED);
}

export async function listProviders(actor: Actor): Promise<ProviderRecord[]> {
  assertCan(actor, "identity_providers:read", READ_DENIED);
  const [rows, counts] = await Promise.all([providerRows(db(), actor.accountId), usersPerSource(actor.accountId)]);
  return rows.map((row) => toRecord(row, counts.get(row.id) ?? 0));
}

export async function getProvider(actor: Actor, id: string): Promise<ProviderRecord> {
  assertCan(actor, "identity_providers:read", READ_DENIED);
  const row = await loadProviderRow(db(), actor.accountId, id);
  return toRecord(row, await usersOf(db(), actor.accountId, id));
}

async function assertNameFree(tx: Tx, accountId: string, name: string, exceptId?: string): Promise<void> {
  const taken = (await providerRows(tx, accountId)).some((p) => p.id !== exceptId && p.name.toLowerCase() === name.toLowerCase());
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
    allow_internal_addresses: input.allow_internal_addresses,
    require_approval: input.require_approval,
  };
}

/** A stored provider as input that keeps it as it is (the secret left out, so kept). */
function storedConfig(row: IdentityProviderRow): ProviderInput {
  return {
    type: row.type,
    name: row.name,
    issuer: row.issuer,
    client_id: row.clientId,
    client_secret: undefined,
    scopes: row.scopes,
    enabled: row.enabled,
    signup_policy: row.signupPolicy,
    allowed_domains: row.allowedDomains,
    default_role: row.defaultRole === "owner" ? "user" : row.defaultRole,
    auto_groups: row.defaultGroups,
    allow_linking: row.allowLinking,
    allow_internal_addresses: row.allowInternalAddresses,
    require_approval: row.requireApproval,
    accept_privileged_signup: false,
  };
}

/** Whom the provider's sign-up makes, for the privileged sign-up rule. */
function signupGrant(c: Pick<ProviderInput, "signup_policy" | "require_approval" | "default_role" | "auto_groups">): SignupGrant {
  return { createsAccounts: c.signup_policy !== "existing" && !c.require_approval, role: c.default_role, groupIds: c.auto_groups };
}

/**
 * The stored client secret is only ever sent to the issuer it was entered
 * for, with the client ID it belongs to: pointing the provider elsewhere
 * needs the secret typed again, or it could be handed to a server of the
 * editor's choosing. (A new issuer also gives subjects a new meaning, so
 * re-entering it is a deliberate act by the owner, not a side effect.)
 */
function assertSecretFollowsEndpoint(before: IdentityProviderRow, input: ProviderInput): void {
  if (input.client_secret) return;
  const moved = [before.issuer !== input.issuer && "issuer URL", before.clientId !== input.client_id && "client ID"].filter((m): m is string => Boolean(m));
  if (moved.length === 0) return;
  const message = `Enter the client secret again: the ${moved.join(" and ")} changed, and the stored secret is only sent where it was entered`;
  throw new Invalid(message, { client_secret: [message] });
}

/** A provider's stored columns from its validated input (the secret is sealed apart: it needs the row id). */
function configColumns(input: ProviderInput) {
  return {
    type: input.type,
    name: input.name,
    issuer: input.issuer,
    clientId: input.client_id,
    scopes: input.scopes,
    enabled: input.enabled,
    signupPolicy: input.signup_policy,
    allowedDomains: input.allowed_domains,
    defaultRole: input.default_role,
    defaultGroups: [...new Set(input.auto_groups)],
    allowLinking: input.allow_linking,
    allowInternalAddresses: input.allow_internal_addresses,
    requireApproval: input.require_approval,
    updatedAt: new Date(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Adds a provider. `id` lets the dashboard show the redirect URL before the
 * provider is saved; it must be a fresh UUID.
 */
export async function createProvider(actor: Actor, rawInput: ProviderInput, meta: RequestMeta, id: string = crypto.randomUUID()): Promise<ProviderRecord> {
  assertManagesSignIn(actor);
  const input = parseOrThrow(providerInputSchema, rawInput);
  if (!UUID.test(id)) throw new Invalid("Invalid provider id");
  if (!input.client_secret) throw new Invalid("Client secret is required", { client_secret: ["Client secret is required"] });
  const secret = input.client_secret;
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    if (await findProviderRow(tx, me.accountId, id)) throw new Conflict("This provider was already added; reload the page");
    await assertNameFree(tx, me.accountId, input.name);
    await assertGroupsExist(tx, me.accountId, input.auto_groups);
    await assertPrivilegedSignupAccepted(tx, me.accountId, null, signupGrant(input), input.accept_privileged_signup);
    const [row] = await tx
      .insert(identityProviders)
      .values({
        id,
        accountId: me.accountId,
        ...configColumns(input),
        clientSecretCiphertext: sealProviderSecret(id, secret),
      })
      .returning();
    await signInConfigurationChanged(tx);
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "identity_provider.created",
      actor: me,
      target: { type: "identity_provider", id, label: input.name },
      details: publicConfig(input),
      meta,
    });
    return toRecord(row, 0);
  });
}

/** What "Test connection" and the sign-in depend on, as one comparable text (kept in memory only: it holds a new secret). */
function connectionOf(c: ProviderInput): string {
  return JSON.stringify([c.issuer, c.client_id, c.client_secret ?? null, c.allow_internal_addresses]);
}

/**
 * When the provider is the owner's only way in and the save changes its connection, "Test connection" on the
 * new settings (./owner-connection.ts, ./provider-test.ts: discovery, and the client ID and secret), before the
 * save's transaction. Returns the connection it vouched for.
 */
async function testOwnersConnection(accountId: string, id: string, patch: Patch<ProviderInput> | Record<string, unknown>): Promise<string | null> {
  const before = await loadProviderRow(db(), accountId, id);
  const input = parseOrThrow(providerInputSchema, patched(storedConfig(before), patch));
  const next = connectionOf(input);
  if (next === connectionOf(storedConfig(before)) || !(await ownerOnlyThrough(db(), accountId, id))) return null;
  assertSecretFollowsEndpoint(before, input);
  const clientSecret = input.client_secret ?? openProviderSecret(before);
  const result = await probeProvider(accountId, id, { issuer: input.issuer, clientId: input.client_id, clientSecret, allowInternal: input.allow_internal_addresses });
  if (!result.ok) throw ownerWayInTestFailed(result.field, result);
  return next;
}

/** Writes a provider's new configuration and its activity event; the caller checked the actor inside `tx`. */
async function writeProviderUpdate(tx: Tx, me: Actor, before: IdentityProviderRow, input: ProviderInput, meta: RequestMeta, tested: string | null = null): Promise<ProviderRecord> {
  const id = before.id;
  await assertNameFree(tx, me.accountId, input.name, id);
  await assertGroupsExist(tx, me.accountId, input.auto_groups);
  assertSecretFollowsEndpoint(before, input);
  await assertTestedConnection(tx, me.accountId, id, connectionOf(storedConfig(before)), connectionOf(input), tested);
  await assertPrivilegedSignupAccepted(tx, me.accountId, signupGrant(storedConfig(before)), signupGrant(input), input.accept_privileged_signup);
  const switchedOff = before.enabled && !input.enabled;
  if (switchedOff) {
    await assertOwnerKeepsWayIn(tx, me.accountId, (s) => {
      s.enabledProviderIds.delete(id);
      return s;
    });
  }
  const closed = await endSessionsIfSwitchedOff(tx, me.accountId, switchedOff, "oidc", id);
  const next = publicConfig(input);
  const prev: Record<string, unknown> = publicConfig(storedConfig(before));
  const changed = Object.keys(next).filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k as keyof typeof next]));
  const [row] = await tx
    .update(identityProviders)
    .set({
      ...configColumns(input),
      ...(input.client_secret ? { clientSecretCiphertext: sealProviderSecret(id, input.client_secret) } : {}),
    })
    .where(and(eq(identityProviders.accountId, me.accountId), eq(identityProviders.id, id)))
    .returning();
  await signInConfigurationChanged(tx);
  if (input.client_secret) changed.push("client_secret");
  if (changed.length > 0) {
    const changes: Record<string, unknown> = {};
    // The secret is named as changed, never shown, not even as before/after.
    for (const k of changed) if (k !== "client_secret") changes[k] = { from: prev[k], to: next[k as keyof typeof next] };
    const enabledChanged = before.enabled !== input.enabled;
    await recordEvent(tx, {
      accountId: me.accountId,
      action: enabledChanged && changed.length === 1 ? (input.enabled ? "identity_provider.enabled" : "identity_provider.disabled") : "identity_provider.updated",
      actor: me,
      target: { type: "identity_provider", id, label: input.name },
      details: { changed, changes, ...closed },
      meta,
    });
  }
  return toRecord(row, await usersOf(tx, me.accountId, id));
}

/** Changes the fields the patch names (lib/data/patch); the others keep what is stored. */
export async function updateProvider(actor: Actor, id: string, patch: Patch<ProviderInput> | Record<string, unknown>, meta: RequestMeta): Promise<ProviderRecord> {
  assertManagesSignIn(actor);
  const tested = await testOwnersConnection(actor.accountId, id, patch);
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const before = await loadProviderRow(tx, me.accountId, id);
    return writeProviderUpdate(tx, me, before, parseOrThrow(providerInputSchema, patched(storedConfig(before), patch)), meta, tested);
  });
}

export async function setProviderEnabled(actor: Actor, id: string, enabled: boolean, meta: RequestMeta): Promise<ProviderRecord> {
  assertManagesSignIn(actor);
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const current = await loadProviderRow(tx, me.accountId, id);
    return writeProviderUpdate(tx, me, current, { ...storedConfig(current), enabled }, meta);
  });
}

/** Deletes a provider nobody signs in with any more; with users left, disable it instead. */
export async function deleteProvider(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  assertManagesSignIn(actor);
  await write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const row = await loadProviderRow(tx, me.accountId, id);
    const n = await usersOf(tx, me.accountId, id);
    if (n > 0) {
      throw new PreconditionFailed(
        `${n} ${n === 1 ? "user signs" : "users sign"} in with ${row.name}. Disable the provider instead, or delete ${n === 1 ? "that user" : "those users"} first.`,
      );
    }
    // Nobody belongs to it now, but someone who signed in through it may have been moved to another source since.
    const sessionsEnded = await endSessionsThrough(tx, me.accountId, "oidc", id);
    await tx.delete(identityProviders).where(and(eq(identityProviders.accountId, me.accountId), eq(identityProviders.id, id)));
    await signInConfigurationChanged(tx);
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "identity_provider.deleted",
      actor: me,
      target: { type: "identity_provider", id, label: row.name },
      details: { type: row.type, issuer: row.issuer, sessions_ended: sessionsEnded },
      meta,
    });
  });
}
