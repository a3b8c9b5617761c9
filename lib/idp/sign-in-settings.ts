/**
 * The account's sign-in switches: the local password form, and trusted
 * proxy header authentication (Settings → Sign-in and /api/settings/…).
 * Both changes are activity events and both keep the owner a way in.
 */
import "server-only";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { db, writeTransaction } from "@/lib/db/client";
import { parseOrThrow } from "@/lib/http/validation";
import { loadSignInSettings, saveSignInSettings, type SignInSettings } from "./records";
import { localSignInSchema, trustedHeaderInputSchema, type LocalSignInInput, type TrustedHeaderInput } from "./schemas";
import { forgetSignInOptions } from "./sign-in-options";
import { assertOwnerKeepsWayIn } from "./way-in";

const MANAGE_DENIED = "Only admins and the owner can change sign-in settings";
const READ_DENIED = "Only admins, auditors and the owner can see sign-in settings";

export function getSignInSettings(actor: Actor): SignInSettings {
  assertCan(actor, "settings:read", READ_DENIED);
  return loadSignInSettings(db(), actor.accountId);
}

/** Turns the local email/password form on or off; never off while it is the owner's only way in. */
export function setLocalSignIn(actor: Actor, rawInput: LocalSignInInput, meta: RequestMeta): SignInSettings {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const { local_login_enabled: enabled } = parseOrThrow(localSignInSchema, rawInput);
  const result = writeTransaction((tx) => {
    const before = loadSignInSettings(tx, actor.accountId);
    if (before.localLoginEnabled === enabled) return before;
    if (!enabled) assertOwnerKeepsWayIn(tx, actor.accountId, (s) => ({ ...s, localLoginEnabled: false }));
    const after = { ...before, localLoginEnabled: enabled };
    saveSignInSettings(tx, after);
    recordEvent(tx, {
      accountId: actor.accountId,
      action: enabled ? "sign_in.local.enabled" : "sign_in.local.disabled",
      actor: actorParty(tx, actor),
      target: { type: "account", id: actor.accountId },
      meta,
    });
    return after;
  });
  forgetSignInOptions();
  return result;
}

export function updateTrustedHeader(actor: Actor, rawInput: TrustedHeaderInput, meta: RequestMeta): SignInSettings {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const input = parseOrThrow(trustedHeaderInputSchema, rawInput);
  const result = writeTransaction((tx) => {
    const before = loadSignInSettings(tx, actor.accountId);
    const after: SignInSettings = {
      ...before,
      headerEnabled: input.enabled,
      headerTrustedRanges: [...new Set(input.trusted_ranges)],
      headerUser: input.user_header,
      headerEmail: input.email_header,
      headerName: input.name_header,
      headerAutoCreate: input.auto_create,
      headerDefaultRole: input.default_role,
    };
    const wasOn = before.headerEnabled && before.headerTrustedRanges.length > 0;
    if (wasOn && !after.headerEnabled) assertOwnerKeepsWayIn(tx, actor.accountId, (s) => ({ ...s, headerEnabled: false }));
    const view = (s: SignInSettings) => ({
      enabled: s.headerEnabled,
      trusted_ranges: s.headerTrustedRanges,
      user_header: s.headerUser,
      email_header: s.headerEmail,
      name_header: s.headerName,
      auto_create: s.headerAutoCreate,
      default_role: s.headerDefaultRole,
    });
    const prev = view(before) as Record<string, unknown>;
    const next = view(after) as Record<string, unknown>;
    const changed = Object.keys(next).filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]));
    if (changed.length === 0) return before;
    saveSignInSettings(tx, after);
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "sign_in.trusted_header.updated",
      actor: actorParty(tx, actor),
      target: { type: "account", id: actor.accountId },
      details: { changed, changes: Object.fromEntries(changed.map((k) => [k, { from: prev[k], to: next[k] }])) },
      meta,
    });
    return after;
  });
  forgetSignInOptions();
  return result;
}
