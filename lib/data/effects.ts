/**
 * Domain effects: how one capability tells the others what happened, inside
 * the same transaction, without importing them (DESIGN.md: imports run
 * downward). The capability that owns the data reacts: e.g. lib/users emits
 * "user.deleted" and lib/tokens deletes that user's tokens, in the same tx.
 *
 * Reactions are registered by lib/reactions.ts (the one wiring module, loaded
 * at start-up and in test set-up). Emitting an effect nobody reacts to throws:
 * a clean-up that silently doesn't happen is worse than an error.
 */
import "server-only";
import type { Tx } from "@/lib/db/database";
import { unitOf } from "./unit-of-work";

/**
 * What reactions ended, counted for the emitting change's activity event
 * ("sessions_ended: 2"): reactions add to it, the emitter reads it after emit.
 */
export type EndedCounts = { sessions: number; tokens: number; invites: number };
export const noneEnded = (): EndedCounts => ({ sessions: 0, tokens: 0, invites: 0 });
/** The invites a change withdrew, for its event's details (nothing when none). */
export const withdrawnInvites = (ended: EndedCounts): { invites_withdrawn?: number } => (ended.invites > 0 ? { invites_withdrawn: ended.invites } : {});

/** Every effect and its payload, in one place. */
export interface DomainEffects {
  /** A user row is about to be deleted (or was deleted) in this tx. */
  "user.deleted": { accountId: string; userId: string; ended?: EndedCounts };
  /** people: a user was blocked (their sessions end, a person's access tokens too, not a service user's; invites they made are withdrawn). */
  "user.blocked": { accountId: string; userId: string; ended: EndedCounts };
  /**
   * people, roles, groups: what some people may do may have shrunk: a user's primary or extra roles changed, a
   * role's permissions were edited or the role deleted, a group's roles changed or the group was deleted.
   * userIds names the people (none: anyone in the account). Invites react: those who may no longer invite
   * lose their pending invites; with `ended` the emitter counts them in its own event, otherwise the
   * reaction records "invite.withdrawn" itself.
   */
  "permissions.changed": { accountId: string; userIds?: readonly string[]; ended?: EndedCounts };
  /** people: an admin reset the user's password (their sessions and access tokens end). */
  "user.password_reset": { accountId: string; userId: string; ended: EndedCounts };
  /**
   * people: the user's password changed, by themselves or through owner recovery (their other sessions end).
   * revokeTokens: their personal access tokens end too (automation); endAppGrants: their sign-ins at other apps
   * (grants, refresh tokens) end too. A self change ends both when the person asks; owner recovery ends the
   * app sign-ins (a person's, not automation's) and keeps the tokens.
   */
  "user.password_changed": { accountId: string; userId: string; keepSessionId?: string; revokeTokens: boolean; endAppGrants: boolean; ended: EndedCounts };
  /**
   * people: the user's sessions were revoked, by an admin or by the person ("Sign out everywhere else": the
   * session that asked, keepSessionId, stays). Their pending links, pending second sign-in steps and app
   * grants end; their access tokens too when asked.
   */
  "user.sessions_revoked": { accountId: string; userId: string; keepSessionId?: string; revokeTokens: boolean; ended: EndedCounts };
  /**
   * people: the user's email address changed (an admin's edit or a confirmed change): links mailed to the old address
   * end. movedFrom: the address an admin's edit replaced (mail tells it); a person's own change told it when asked.
   */
  "user.email_changed": { accountId: string; userId: string; movedFrom?: string | null };
  /** people: a person's groups changed (apps limited to groups may no longer let them in: the provider ends those grants). */
  "user.groups_changed": { accountId: string; userId: string };
  /** people: a group was deleted (its memberships cascade; pending invites stop assigning it). */
  "group.deleted": { accountId: string; groupId: string };
  /**
   * two-factor: the person's second factors were set up by someone who needn't be them (under an address nobody had
   * proven, now taken by its owner through a source vouching for it: lib/idp/external-sign-in.ts); they go, with
   * their recovery codes. `removed` counts what went, for the emitter's event.
   */
  "user.second_factors_void": { accountId: string; userId: string; removed: { totp: boolean; passkeys: number } };
  /** email: the user's two-factor authentication was turned on, off, reset or changed (fired by the two-factor capability; mail sends the notice). */
  "user.two_factor_changed": { accountId: string; userId: string; change?: "enabled" | "disabled" | "reset" | "changed" };
  /** email: a personal access token was created for a person (mail sends the notice). */
  "user.access_token_created": { accountId: string; userId: string; tokenName: string };
  /**
   * applications: an application was deleted, its secret rotated, where its sign-ins go or whether it asks for
   * consent changed (sign_in_changed: its redirect URIs or require_consent), or its allowed groups changed (also
   * when one of them was deleted). The OIDC provider reacts: all grants end on delete, on rotation of a web
   * app's secret and on sign_in_changed (consent given for the app as it was doesn't carry over); otherwise the
   * grants of people no longer allowed (lib/applications/for-provider.ts userMayUseApplication) end.
   */
  "application.access_changed": { accountId: string; applicationId: string; clientId: string; change: "deleted" | "secret_rotated" | "sign_in_changed" | "groups_changed" };
  /**
   * sign-in: a way in was switched off or deleted (an identity provider, the LDAP directory, the proxy header).
   * Sessions react: the sessions made through it end (`method`, as sessions.sign_in_method spells it), and so do
   * the sessions from before that column of the people who belong to the source (`sourceId`, as users.idp_id
   * names it); they say whose ended with "sessions.ended_by_source".
   */
  "sign_in.source_closed": { accountId: string; method: string; sourceId: string; ended: EndedCounts };
  /**
   * sessions: a person removed a second factor: their authenticator app ("totp") or one of their passkeys
   * ("passkey:<credential id>"). Sessions react: the person's sessions it proved (sessions.second_factor; a passkey's
   * first step too), and for a passkey their passkey sessions from before that column (which passkey is unknown), end,
   * except keepSessionId (the session that removed it); they say so with "sessions.ended_by_factor".
   */
  "user.second_factor_removed": { accountId: string; userId: string; factor: "totp" | `passkey:${string}`; keepSessionId?: string; ended: EndedCounts };
  /** sessions: the person's sessions proved by a factor just removed ended: what they began at apps (grants, tokens) ends too. */
  "sessions.ended_by_factor": { accountId: string; userId: string; factor: "totp" | "passkey" };
  /** sessions: these people's sessions ended with the way in they were made by: what those began at apps (grants, tokens) ends too. */
  "sessions.ended_by_source": { accountId: string; userIds: readonly string[] };
  /** email: a person signed in and got a new session (mail notices a browser they never used before). */
  "session.created": { accountId: string; userId: string; userAgent: string | null; ip: string | null; device?: string | null };
}

export type EffectType = keyof DomainEffects;
type Reaction<K extends EffectType> = (tx: Tx, payload: DomainEffects[K]) => Promise<void>;

// On globalThis: Next.js bundles instrumentation and routes separately; the registry must be one.
const holder = globalThis as unknown as { latchkeyReactions?: Map<EffectType, Array<Reaction<EffectType>>> };
function registry(): Map<EffectType, Array<Reaction<EffectType>>> {
  holder.latchkeyReactions ??= new Map();
  return holder.latchkeyReactions;
}

/** Registers a reaction (idempotent per name, so a module loaded twice registers once). */
export function react<K extends EffectType>(type: K, name: string, reaction: Reaction<K>): void {
  const list = registry().get(type) ?? [];
  const named = Object.assign(reaction as Reaction<EffectType>, { reactionName: name });
  const at = list.findIndex((r) => (r as { reactionName?: string }).reactionName === name);
  if (at >= 0) list[at] = named;
  else list.push(named);
  registry().set(type, list);
}

/** Runs every reaction to the effect, in this unit of work's transaction, in registration order. */
export async function emit<K extends EffectType>(tx: Tx, type: K, payload: DomainEffects[K]): Promise<void> {
  unitOf(tx);
  const reactions = registry().get(type);
  if (!reactions?.length) throw new Error(`No reaction is registered for "${type}": is lib/reactions.ts loaded?`);
  for (const reaction of reactions) await reaction(tx, payload);
}
