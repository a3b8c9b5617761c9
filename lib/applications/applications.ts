/**
 * Registering, changing, re-keying and deleting applications: the other apps
 * and CLIs that sign people in through Latchkey's OIDC provider. Each change
 * checks its permission on the fresh actor inside its write transaction and
 * records its activity event there. A web app's client secret exists in
 * plain text only in the value returned by create and rotate (stored as its
 * SHA-256 digest, like access tokens). Changes that take access away (delete,
 * rotation, allowed groups) emit application.access_changed: the provider
 * ends the grants that no longer hold.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { mintSecretToken, randomBase62, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { emit } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import { SetEdit, type SetValue } from "@/lib/data/patch";
import type { Tx } from "@/lib/db/database";
import { applicationGroups, applications, type ApplicationRow } from "@/lib/db/schema";
import { Conflict, Invalid } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { parseOrThrow } from "@/lib/http/validation";
import { accessChangesOf, accessStateOf, resolveAccess } from "./access";
import { APPLICATIONS_VERSION } from "./for-provider";
import { allowedGroupsOf, clientSecretIdOf, loadApplicationRecord, loadApplicationRow, toApplicationRecord, type ApplicationRecord } from "./records";
import {
  createApplicationSchema,
  rotateApplicationSecretSchema,
  SECRET_ROTATED_MEANWHILE,
  updateApplicationSchema,
  type CreateApplicationInput,
  type RotateApplicationSecretInput,
  type UpdateApplicationInput,
} from "./schemas";

const DENIED = {
  create: "You don't have permission to register applications",
  update: "You don't have permission to change applications",
  delete: "You don't have permission to delete applications",
} as const;

/** The public client identifier: random, not a secret, recognisable ("lka_"). */
function newClientId(): string {
  return `lka_${randomBase62(24)}`;
}

async function setAllowedGroups(tx: Tx, accountId: string, applicationId: string, groupIds: string[]): Promise<void> {
  await tx.delete(applicationGroups).where(and(eq(applicationGroups.accountId, accountId), eq(applicationGroups.applicationId, applicationId)));
  const unique = [...new Set(groupIds)];
  if (unique.length > 0) await tx.insert(applicationGroups).values(unique.map((groupId) => ({ applicationId, groupId, accountId })));
}

export type CreatedApplication = { application: ApplicationRecord; clientSecret: string | null };

export async function createApplication(actor: Actor, input: CreateApplicationInput, meta: RequestMeta): Promise<CreatedApplication> {
  assertCan(actor, "applications:create", DENIED.create);
  const values = parseOrThrow(createApplicationSchema, input);
  return write(actor, async (tx, me) => {
    assertCan(me, "applications:create", DENIED.create);
    const access = resolveAccess(undefined, { access: values.access, groups: values.allowed_groups });
    await assertGroupsExist(tx, actor.accountId, access.groups, "allowed_groups");
    // Public apps (single-page, device) can't keep a secret: they get none, and the provider requires PKCE.
    const secret = values.type === "web" ? mintSecretToken(TOKEN_PREFIXES.applicationSecret) : null;
    const allowedGroups = access.groups;
    const [row] = await tx
      .insert(applications)
      .values({
        id: crypto.randomUUID(),
        accountId: actor.accountId,
        name: values.name,
        type: values.type,
        clientId: newClientId(),
        clientSecretDigest: secret?.digest ?? null,
        redirectUris: values.redirect_uris,
        postLogoutRedirectUris: values.post_logout_redirect_uris,
        restrictedToGroups: access.access !== "everyone",
        accessTokenTtlSeconds: values.access_token_ttl_seconds,
        refreshTokenTtlSeconds: values.refresh_token_ttl_seconds,
        requireConsent: values.require_consent,
        idTokenSignedResponseAlg: values.id_token_signed_response_alg,
        createdBy: me.userId,
        updatedAt: new Date(),
      })
      .returning();
    await setAllowedGroups(tx, actor.accountId, row.id, allowedGroups);
    await bumpCacheVersion(tx, APPLICATIONS_VERSION);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "application.created",
      actor: me,
      target: { type: "application", id: row.id, label: row.name },
      details: {
        type: row.type,
        client_id: row.clientId,
        redirect_uris: row.redirectUris,
        post_logout_redirect_uris: row.postLogoutRedirectUris,
        allowed_groups: allowedGroups,
        access: access.access,
        access_token_ttl_seconds: row.accessTokenTtlSeconds,
        refresh_token_ttl_seconds: row.refreshTokenTtlSeconds,
        require_consent: row.requireConsent,
        id_token_signed_response_alg: row.idTokenSignedResponseAlg,
      },
      meta,
    });
    const record = toApplicationRecord(row, (await allowedGroupsOf(tx, actor.accountId, [row.id])).get(row.id) ?? []);
    return { application: record, clientSecret: secret?.plain ?? null };
  });
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Changes the fields given; a field equal to what is stored is no change (no event when nothing changed).
 * The allowed groups may be an edit of the stored set (lib/data/patch), as the dashboard sends them; who
 * may sign in follows resolveAccess (./access.ts).
 */
export async function updateApplication(actor: Actor, id: string, input: Omit<UpdateApplicationInput, "allowed_groups"> & { allowed_groups?: SetValue }, meta: RequestMeta): Promise<ApplicationRecord> {
  assertCan(actor, "applications:update", DENIED.update);
  const groupEdit = input.allowed_groups instanceof SetEdit ? input.allowed_groups : undefined;
  const values = parseOrThrow(updateApplicationSchema, groupEdit ? { ...input, allowed_groups: undefined } : input);
  return write(actor, async (tx, me) => {
    assertCan(me, "applications:update", DENIED.update);
    const before = await loadApplicationRow(tx, actor.accountId, id);
    if (values.type !== undefined && values.type !== before.type) {
      throw new Invalid("The type can't change", { type: ["The type can't change once registered: register a new application instead"] });
    }
    const redirectUris = values.redirect_uris ?? before.redirectUris;
    if (before.type !== "device" && redirectUris.length === 0) {
      throw new Invalid("Invalid input", { redirect_uris: ["Add at least one redirect URI: where the app receives the sign-in"] });
    }
    const groupsBefore = [...((await allowedGroupsOf(tx, actor.accountId, [id])).get(id) ?? [])].map((g) => g.id);
    const patch: Partial<typeof applications.$inferInsert> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const compare = <K extends keyof ApplicationRow>(field: string, key: K, next: ApplicationRow[K] | undefined, same: (a: ApplicationRow[K], b: ApplicationRow[K]) => boolean = Object.is) => {
      if (next === undefined || same(before[key], next)) return;
      (patch as Record<string, unknown>)[key] = next;
      changes[field] = { from: before[key], to: next };
    };
    compare("name", "name", values.name);
    compare("redirect_uris", "redirectUris", values.redirect_uris, sameList);
    compare("post_logout_redirect_uris", "postLogoutRedirectUris", values.post_logout_redirect_uris, sameList);
    compare("access_token_ttl_seconds", "accessTokenTtlSeconds", values.access_token_ttl_seconds);
    compare("refresh_token_ttl_seconds", "refreshTokenTtlSeconds", values.refresh_token_ttl_seconds);
    compare("require_consent", "requireConsent", values.require_consent);
    compare("id_token_signed_response_alg", "idTokenSignedResponseAlg", values.id_token_signed_response_alg);
    const accessBefore = accessStateOf(before.restrictedToGroups, groupsBefore);
    const access = resolveAccess(accessBefore, { access: values.access, groups: groupEdit ?? values.allowed_groups });
    // The dashboard's edit of the stored set reached no schema: the list it leaves is held to the same one.
    if (groupEdit) parseOrThrow(updateApplicationSchema.pick({ allowed_groups: true }), { allowed_groups: access.groups });
    const accessChanges = accessChangesOf(accessBefore, access);
    const accessChanged = Object.keys(accessChanges).length > 0;
    if (accessChanged) {
      await assertGroupsExist(tx, actor.accountId, access.groups, "allowed_groups");
      await setAllowedGroups(tx, actor.accountId, id, access.groups);
      patch.restrictedToGroups = access.access !== "everyone";
      Object.assign(changes, accessChanges);
    }
    if (Object.keys(changes).length === 0) return loadApplicationRecord(tx, actor.accountId, id);
    await tx
      .update(applications)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(applications.accountId, actor.accountId), eq(applications.id, id)));
    await bumpCacheVersion(tx, APPLICATIONS_VERSION);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "application.updated",
      actor: me,
      target: { type: "application", id, label: values.name ?? before.name },
      details: { changed: Object.keys(changes), ...changes },
      meta,
    });
    // Where sign-ins go or whether people are asked first changed: every grant ends (the provider's reaction, recorded
    // there), so no consent or refresh token given for the app as it was carries over. That covers a group change too.
    const signInChanged = "redirect_uris" in changes || "require_consent" in changes;
    const change = signInChanged ? "sign_in_changed" : accessChanged ? "groups_changed" : undefined;
    if (change) await emit(tx, "application.access_changed", { accountId: actor.accountId, applicationId: id, clientId: before.clientId, change });
    return loadApplicationRecord(tx, actor.accountId, id);
  });
}

/**
 * A new client secret for a web app; the old one stops working at once. With `replaces` (the
 * client_secret_id the caller saw), a secret changed meanwhile is refused (409): of two rotations at
 * once only the later commit's secret would work, and the earlier one's answer would show a dead one.
 * The check runs under the write lock, so two rotations naming one secret can't both pass it.
 */
export async function rotateApplicationSecret(actor: Actor, id: string, meta: RequestMeta, input: RotateApplicationSecretInput = {}): Promise<CreatedApplication> {
  assertCan(actor, "applications:update", DENIED.update);
  const { replaces } = parseOrThrow(rotateApplicationSecretSchema, input);
  return write(actor, async (tx, me) => {
    assertCan(me, "applications:update", DENIED.update);
    const before = await loadApplicationRow(tx, actor.accountId, id);
    if (before.type !== "web") throw new Conflict("Only web apps have a client secret: single-page apps sign in with PKCE, device apps with a code approved on another screen");
    if (replaces !== undefined && replaces !== clientSecretIdOf(before.clientSecretDigest)) throw new Conflict(SECRET_ROTATED_MEANWHILE);
    const secret = mintSecretToken(TOKEN_PREFIXES.applicationSecret);
    await tx
      .update(applications)
      .set({ clientSecretDigest: secret.digest, updatedAt: new Date() })
      .where(and(eq(applications.accountId, actor.accountId), eq(applications.id, id)));
    // The provider's copies on every replica drop the old secret's digest before their next request.
    await bumpCacheVersion(tx, APPLICATIONS_VERSION);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "application.secret_rotated",
      actor: me,
      target: { type: "application", id, label: before.name },
      meta,
    });
    await emit(tx, "application.access_changed", { accountId: actor.accountId, applicationId: id, clientId: before.clientId, change: "secret_rotated" });
    return { application: await loadApplicationRecord(tx, actor.accountId, id), clientSecret: secret.plain };
  });
}

/** Deletes the application; its allowed-group links cascade and the provider ends its grants. */
export async function deleteApplication(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  assertCan(actor, "applications:delete", DENIED.delete);
  await write(actor, async (tx, me) => {
    assertCan(me, "applications:delete", DENIED.delete);
    const before = await loadApplicationRow(tx, actor.accountId, id);
    await tx.delete(applications).where(and(eq(applications.accountId, actor.accountId), eq(applications.id, id)));
    await bumpCacheVersion(tx, APPLICATIONS_VERSION);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "application.deleted",
      actor: me,
      target: { type: "application", id, label: before.name },
      details: { type: before.type, client_id: before.clientId },
      meta,
    });
    await emit(tx, "application.access_changed", { accountId: actor.accountId, applicationId: id, clientId: before.clientId, change: "deleted" });
  });
}
