/**
 * Reading the activity log: who may (owner, admins, auditors), and events as
 * people and scripts see them, with labels and personal details decrypted.
 * The Activity page, GET /api/events and the exports all come through here.
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { currentCaller } from "@/lib/auth/current-caller";
import { assertCan } from "@/lib/auth/policy";
import { decryptField } from "@/lib/crypto/aead";
import { actionLabel } from "./action-labels";
import type { EventFilters } from "./event-filters";
import { distinctActions, eachEvent, queryEvents, type EventRow } from "./events-query";

export type ActivityParty = { type: string; id: string | null; label: string | null };

/** A party as a key: `${type}:${id}`. */
export const partyKey = (type: string, id: string) => `${type}:${id}`;

/** partyKey → the dashboard page to open; parties not listed have none (gone, hidden, or no page). */
export type PartyLinks = Map<string, string>;

export type ActivityEvent = {
  id: string;
  seq: number;
  occurredAt: Date;
  action: string;
  actionLabel: string;
  actor: ActivityParty;
  target: ActivityParty | null;
  details: Record<string, unknown> | null;
  /** Before/after names and emails, decrypted for those allowed to read the log. */
  privateDetails: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  hash: string | null;
};

export type ActivityPage = {
  events: ActivityEvent[];
  total: number;
  totalExact: boolean;
  hasOlder: boolean;
  hasNewer: boolean;
};

const DENIED = "Only admins and auditors can read the activity log";

export const UNREADABLE = "(unreadable)";

/** A label that no longer decrypts (a tampered row) shows as unreadable rather than failing the page. */
function open(row: EventRow, column: string, value: string | null): string | null {
  if (value === null) return null;
  try {
    return decryptField(value, { table: "activity_events", column, rowId: row.id });
  } catch {
    return UNREADABLE;
  }
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { unreadable: true };
  }
}

export function openEvent(row: EventRow): ActivityEvent {
  const privateText = open(row, "private_details", row.private_details_ciphertext);
  return {
    id: row.id,
    seq: row.seq,
    occurredAt: new Date(row.occurred_at),
    action: row.action,
    actionLabel: actionLabel(row.action),
    actor: { type: row.actor_type, id: row.actor_id, label: open(row, "actor_label", row.actor_label_ciphertext) },
    target:
      row.target_type || row.target_id
        ? { type: row.target_type ?? "", id: row.target_id, label: open(row, "target_label", row.target_label_ciphertext) }
        : null,
    details: parseObject(row.details),
    privateDetails: privateText === UNREADABLE ? { unreadable: true } : parseObject(privateText),
    // Sealed since review 17; an event from before holds them in the clear.
    ip: row.ip ?? open(row, "ip", row.ip_ciphertext),
    userAgent: row.user_agent ?? open(row, "user_agent", row.user_agent_ciphertext),
    hash: row.hash,
  };
}

export async function listEvents(actor: Actor, filters: EventFilters): Promise<ActivityPage> {
  assertCanReadActivity(actor);
  const page = await queryEvents(actor.accountId, filters);
  return {
    events: page.rows.map(openEvent),
    total: page.total,
    totalExact: page.totalExact,
    hasOlder: page.hasOlder,
    hasNewer: page.hasNewer,
  };
}

/**
 * Every matching event, newest first, in batches; the caller streams them out. A stream outlives the
 * request's check, so before each batch after the first the caller is read again (`caller`, which the
 * route may share to label the batch as the caller may now see it): once they may no longer read the
 * log, this throws and the stream built on it breaks off instead of ending complete.
 */
export async function* eachActivityEvent(actor: Actor, filters: EventFilters, caller = currentCaller(actor)): AsyncGenerator<ActivityEvent[]> {
  assertCanReadActivity(actor);
  let first = true;
  for await (const rows of eachEvent(actor.accountId, filters)) {
    if (!first) assertCanReadActivity(await caller());
    first = false;
    yield rows.map(openEvent);
  }
}

/** Action codes to offer in the filter: those in the log, with their names. */
export async function actionOptions(actor: Actor): Promise<{ value: string; label: string }[]> {
  assertCanReadActivity(actor);
  return (await distinctActions(actor.accountId))
    .map((value) => ({ value, label: actionLabel(value) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function assertCanReadActivity(actor: Actor): void {
  assertCan(actor, "events:read", DENIED);
}

/** The API's event resource: NetBird's field names where they overlap, plus where from and the chain hash. */
export function toApiEvent(event: ActivityEvent) {
  return {
    id: event.id,
    seq: event.seq,
    timestamp: event.occurredAt.toISOString(),
    activity: event.actionLabel,
    activity_code: event.action,
    initiator_type: event.actor.type,
    initiator_id: event.actor.id ?? "",
    initiator_name: event.actor.label ?? "",
    target_type: event.target?.type ?? "",
    target_id: event.target?.id ?? "",
    target_name: event.target?.label ?? "",
    meta: { ...(event.details ?? {}), ...(event.privateDetails ?? {}) },
    ip: event.ip ?? "",
    user_agent: event.userAgent ?? "",
    hash: event.hash ?? "",
  };
}
