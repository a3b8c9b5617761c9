/**
 * The activity log in NetBird's audit Event shape (GET /api/events/audit), so
 * NetBird scripts that read audit events work unchanged: NetBird's activity
 * codes where NetBird has the same activity, our own code otherwise; meta
 * values as strings; the initiator's current name and email when we know them.
 */
import type { ActivityEvent } from "./events";

/** Our action code → NetBird's activity code, where NetBird records the same thing. */
export const NETBIRD_ACTIVITY_CODES: Readonly<Record<string, string>> = {
  "setup.completed": "account.create",
  "user.login": "dashboard.login",
  "user.created": "user.invite",
  "user.deleted": "user.delete",
  "user.blocked": "user.block",
  "user.unblocked": "user.unblock",
  "user.role.changed": "user.role.update",
  "user.password.changed": "user.password.change",
  "user.approved": "user.approve",
  "user.rejected": "user.reject",
  "account.ownership.transferred": "transferred.owner.role",
  "service_user.created": "service.user.create",
  "service_user.deleted": "service.user.delete",
  "token.created": "personal.access.token.create",
  "token.deleted": "personal.access.token.delete",
  "invite.created": "user.invite.link.create",
  "invite.regenerated": "user.invite.link.regenerate",
  "invite.deleted": "user.invite.link.delete",
  "invite.accepted": "user.invite.link.accept",
  "group.created": "group.add",
  "group.renamed": "group.update",
  "group.deleted": "group.delete",
  "identity_provider.created": "identityprovider.create",
  "identity_provider.updated": "identityprovider.update",
  "identity_provider.enabled": "identityprovider.update",
  "identity_provider.disabled": "identityprovider.update",
  "identity_provider.deleted": "identityprovider.delete",
};

export function netbirdActivityCode(action: string): string {
  return NETBIRD_ACTIVITY_CODES[action] ?? action;
}

export type NetbirdEvent = {
  id: string;
  timestamp: string;
  activity: string;
  activity_code: string;
  initiator_id: string;
  initiator_name: string;
  initiator_email: string;
  target_id: string;
  meta: Record<string, string>;
};

/** A person as they are now, for the initiator's name and email (undefined once deleted). */
export type PersonLookup = (userId: string) => { name: string; email: string | null } | undefined;
/** The user a token belongs to (undefined once the token is deleted). */
export type TokenOwnerLookup = (tokenId: string) => string | undefined;

function metaStrings(...parts: Array<Record<string, unknown> | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part ?? {})) {
      if (value === null || value === undefined) continue;
      out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return out;
}

export function toNetbirdEvent(event: ActivityEvent, person: PersonLookup, tokenOwner: TokenOwnerLookup = () => undefined): NetbirdEvent {
  // NetBird's initiator is a person: a token's actions are its owner's.
  const viaToken = event.actor.type === "token";
  const initiatorId = (viaToken && event.actor.id ? tokenOwner(event.actor.id) : undefined) ?? event.actor.id ?? "";
  const known = (event.actor.type === "user" || viaToken) && initiatorId ? person(initiatorId) : undefined;
  // The label of a token's action reads 'Name (token "ci")': the person is the part before.
  const label = (event.actor.label ?? "").replace(/ \(token ".*"\)$/, "");
  // A deleted person's label is their name or their email: put it where it belongs.
  const labelIsEmail = label.includes("@");
  const meta = metaStrings(event.details, event.privateDetails);
  if (event.target?.label) meta.target_name ??= event.target.label;
  if (event.target?.type) meta.target_type ??= event.target.type;
  if (viaToken && event.actor.id) meta.token_id ??= event.actor.id;
  return {
    id: event.id,
    timestamp: event.occurredAt.toISOString(),
    activity: event.actionLabel,
    activity_code: netbirdActivityCode(event.action),
    initiator_id: initiatorId,
    initiator_name: known ? known.name || label : labelIsEmail ? "" : label,
    initiator_email: known ? (known.email ?? "") : labelIsEmail ? label : "",
    target_id: event.target?.id ?? "",
    meta,
  };
}
