/**
 * The account's sign-in switches: the local password form, and trusted
 * proxy header authentication (Settings → Sign-in and /api/settings/…).
 * Both changes are activity events and both keep the owner a way in. Only
 * the owner changes them (checked again inside the write transaction): the
 * proxy header in particular decides who a request is, so whoever sets it
 * could otherwise sign in as anyone.
 */
import "server-only";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { parseOrThrow } from "@/lib/http/validation";
import { patched, type Patch } from "@/lib/data/patch";
import { toApiTrustedHeader } from "./api-shape";
import { HEADER_IDP_ID, loadSignInSettings, saveSignInSettings, type SignInSettings } from "./records";
import { localSignInSchema, trustedHeaderInputSchema, type LocalSignInInput, type TrustedHeaderInput } from "./schemas";
import { signInConfigurationChanged } from "./configuration-version";
import { assertPrivilegedSignupAccepted, type SignupGrant } from "./privileged-signup";
import { endSessionsIfSwitchedOff } from "./source-closed";
import { assertOwnerKeepsWayIn, headerIsOn } from "./way-in";

const MANAGE_DENIED = "Only the owner can change how people sign in";
const READ_DENIED = "Only admins, auditors and the owner can see sign-in settings";

function assertManagesSignIn(actor: Actor): void {
  assertCan(actor, "settings:sign_in", MANAGE_DENIED);
}

export async function getSignInSettings(actor: Actor): Promise<SignInSettings> {
  assertCan(actor, "settings:read", READ_DENIED);
  return loadSignInSettings(db(), actor.accountId);
}

/** Turns the local email/password form on or off; never off while it is the owner's only way in. */
export async function setLocalSignIn(actor: Actor, rawInput: LocalSignInInput, meta: RequestMeta): Promise<SignInSettings> {
  assertManagesSignIn(actor);
  const { local_login_enabled: enabled } = parseOrThrow(localSignInSchema, rawInput);
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const before = await loadSignInSettings(tx, me.accountId);
    if (before.localLoginEnabled === enabled) return before;
    if (!enabled) await assertOwnerKeepsWayIn(tx, me.accountId, (s) => ({ ...s, localLoginEnabled: false }));
    const after = { ...before, localLoginEnabled: enabled };
    await saveSignInSettings(tx, after);
    await signInConfigurationChanged(tx);
    await recordEvent(tx, {
      accountId: me.accountId,
      action: enabled ? "sign_in.local.enabled" : "sign_in.local.disabled",
      actor: me,
      target: { type: "account", id: me.accountId },
      meta,
    });
    return after;
  });
}

/** Whom the proxy's auto-create makes, for the privileged sign-up rule: anyone the proxy names, with the default role. */
function headerSignupGrant(s: SignInSettings): SignupGrant {
  return { createsAccounts: s.headerAutoCreate, role: s.headerDefaultRole, groupIds: [] };
}

/** Whether the header is believed from fewer places (a trusted range taken out) or read from another header. */
function trustNarrowed(before: SignInSettings, after: SignInSettings): boolean {
  const kept = new Set(after.headerTrustedRanges);
  return before.headerTrustedRanges.some((range) => !kept.has(range)) || before.headerUser.toLowerCase() !== after.headerUser.toLowerCase();
}

/** Changes the fields the patch names (lib/data/patch); the others keep what is stored. */
export async function updateTrustedHeader(actor: Actor, patch: Patch<TrustedHeaderInput> | Record<string, unknown>, meta: RequestMeta): Promise<SignInSettings> {
  assertManagesSignIn(actor);
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const before = await loadSignInSettings(tx, me.accountId);
    const input = parseOrThrow(trustedHeaderInputSchema, patched(toApiTrustedHeader(before), patch));
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
    await assertPrivilegedSignupAccepted(tx, me.accountId, headerSignupGrant(before), headerSignupGrant(after), input.accept_privileged_signup);
    const switchedOff = headerIsOn(before) && !headerIsOn(after);
    if (switchedOff) await assertOwnerKeepsWayIn(tx, me.accountId, (s) => ({ ...s, headerEnabled: false }));
    // A session doesn't record which proxy's header made it, so trust narrowed (a range taken out, or the header
    // naming the person another) ends the header's sessions as switching it off does (review 21: they went on
    // through a proxy no longer trusted). People behind a proxy still trusted are signed in again by its header.
    const narrowed = headerIsOn(before) && headerIsOn(after) && trustNarrowed(before, after);
    const prev = toApiTrustedHeader(before) as Record<string, unknown>;
    const next = toApiTrustedHeader(after) as Record<string, unknown>;
    const changed = Object.keys(next).filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]));
    if (changed.length === 0) return before;
    await saveSignInSettings(tx, after);
    await signInConfigurationChanged(tx);
    const closed = await endSessionsIfSwitchedOff(tx, me.accountId, switchedOff || narrowed, "header", HEADER_IDP_ID);
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "sign_in.trusted_header.updated",
      actor: me,
      target: { type: "account", id: me.accountId },
      details: {
        changed,
        changes: Object.fromEntries(changed.map((k) => [k, { from: prev[k], to: next[k] }])),
        ...closed,
      },
      meta,
    });
    return after;
  });
}

/** usernames: whether people may change their own username (Profile); the owner decides, as for every sign-in switch. */
export async function setUsernameChangeAllowed(actor: Actor, allowed: boolean, meta: RequestMeta): Promise<SignInSettings> {
  assertManagesSignIn(actor);
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const before = await loadSignInSettings(tx, me.accountId);
    if (before.usersMayChangeUsername === allowed) return before;
    const after = { ...before, usersMayChangeUsername: allowed };
    await saveSignInSettings(tx, after);
    await recordEvent(tx, {
      accountId: me.accountId,
      action: allowed ? "sign_in.username_change.enabled" : "sign_in.username_change.disabled",
      actor: me,
      target: { type: "account", id: me.accountId },
      meta,
    });
    return after;
  });
}
