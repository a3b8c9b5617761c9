import type { useTranslations } from "next-intl";
import { failureReasonLabel } from "@/lib/audit/action-labels";
import type { ActivityEvent } from "@/lib/audit/events";
import type { MessageRef } from "@/lib/errors";

/** The "events" messages: action names, failure reasons, detail lines. */
export type EventsTranslator = ReturnType<typeof useTranslations<"events">>;

/** An action code's key in "events.actions" (dots can't be in a key: "user.login.failed" → "user_login_failed"). */
export function actionKey(action: string): string {
  return action.replaceAll(".", "_");
}

/**
 * An event's action in the person's language; a code the catalog doesn't
 * know yet (added by a newer feature) keeps the English name the API gives.
 */
export function actionName(t: EventsTranslator, action: string, english: string): string {
  const key = `actions.${actionKey(action)}`;
  return t.has(key as never) ? t(key as never) : english;
}

function reasonName(t: EventsTranslator, reason: string): string {
  const key = `reasons.${reason}`;
  return t.has(key as never) ? t(key as never) : failureReasonLabel(reason);
}

/**
 * A party's label in the person's language: a token's actions are recorded as 'Ann (token "ci")'
 * (lib/audit/actor-party.ts), said with "token" in the viewer's words; other labels as recorded.
 */
export function partyLabel(t: EventsTranslator, type: string, label: string): string {
  const token = type === "token" ? /^(.*) \(token "(.*)"\)$/.exec(label) : null;
  return token ? t("tokenActor", { person: token[1], token: token[2] }) : label;
}

/** A party's kind ("user", "token", "ldap_source") in the person's language; an unknown kind as recorded. */
export function partyTypeName(t: EventsTranslator, type: string): string {
  const key = `partyTypes.${type}`;
  return t.has(key as never) ? t(key as never) : type;
}

function fieldName(t: EventsTranslator, field: string): string {
  const key = `fields.${field}`;
  return t.has(key as never) ? t(key as never) : field.replaceAll("_", " ");
}

/**
 * Details whose values are codes from a fixed set ("totp", "passkey", "web", "invite"): said by
 * their names in "events.values.<set>" (the API keeps the codes). A code the catalog doesn't know
 * stays as recorded.
 */
const VALUE_SETS: Record<string, string> = {
  factor: "factor",
  second_factor: "factor",
  method: "method",
  type: "type",
  kind: "kind",
  require_for: "require_for",
  // application.created/updated: who may sign in (lib/applications/access.ts).
  access: "access",
  step: "step",
  via: "via",
  status: "status",
  signup_policy: "signup_policy",
  permissions: "permissions",
  revoked_by: "revoked_by",
  token: "token",
  // mfa.proof.failed: the change the proof was for (lib/mfa/proof.ts FactorChange, "ownership.transfer").
  change: "change",
};
/** The trusted proxy's name as sign-in events record it (lib/idp/trusted-header.ts PROXY_SOURCE_NAME). */
export const PROXY_SOURCE_NAME = "Your sign-in proxy";
/** Times in details (expires_at, locked_until): ISO 8601 as recorded, said as a date and time. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

function valueName(t: EventsTranslator, field: string, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => valueName(t, field, x));
  if (typeof v !== "string") return v;
  if (field === "provider" && v === PROXY_SOURCE_NAME) return t("values.provider.proxy");
  const set = VALUE_SETS[field];
  const key = set && `values.${set}.${v}`;
  return key && t.has(key as never) ? t(key as never) : v;
}

function show(t: EventsTranslator, v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (Array.isArray(v)) return v.length === 0 ? t("none") : v.map((x) => show(t, x)).join(", ");
  if (typeof v === "boolean") return t(v ? "true" : "false");
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "string" && ISO_TIME.test(v)) return t("dateTime", { at: new Date(v) });
  return String(v);
}

function change(v: unknown): { from: unknown; to: unknown } | null {
  if (v && typeof v === "object" && !Array.isArray(v) && "from" in v && "to" in v) return v as { from: unknown; to: unknown };
  return null;
}

/** `directory_error_ref` is said through `directory_error`'s line (below). */
const HIDDEN = new Set(["changed", "directory_error_ref"]);

/** A recorded catalog entry (lib/errors.ts MessageRef), if `v` looks like one. */
function recordedRef(v: unknown): MessageRef | null {
  return v && typeof v === "object" && !Array.isArray(v) && typeof (v as { key?: unknown }).key === "string" ? (v as MessageRef) : null;
}
const GROUP_ID_FIELDS = new Set(["auto_groups", "allowed_groups", "group_ids"]);
/** Details whose values are role codes ("admin", ["auditor"]): said as the roles' names (the API keeps the codes). */
const ROLE_FIELDS = new Set(["role", "roles", "default_role"]);

function roleValues(v: unknown, roleName: (id: string) => string): unknown {
  if (typeof v === "string" && v) return roleName(v);
  if (Array.isArray(v)) return v.map((x) => roleValues(x, roleName));
  return v;
}

/**
 * One line per detail, for people: a failed sign-in's reason, before → after
 * for changes (names and emails come from the encrypted private details).
 */
export function detailLines(
  t: EventsTranslator,
  event: ActivityEvent,
  groupNames?: Map<string, string>,
  roleName?: (id: string) => string,
  /** Says a recorded catalog entry in the reader's language, or null when the catalog no longer has it. */
  sayRef?: (ref: MessageRef) => string | null,
): string[] {
  const lines: string[] = [];
  const details = { ...(event.details ?? {}), ...(event.privateDetails ?? {}) };
  for (const [key, value] of Object.entries(details)) {
    if (HIDDEN.has(key)) continue;
    // A directory's refusal at a sign-in (a certificate not trusted, say): in the reader's language where it was keyed, else as recorded.
    if (key === "directory_error") {
      const ref = recordedRef(details.directory_error_ref);
      lines.push(t("value", { field: fieldName(t, key), value: (ref && sayRef?.(ref)) || show(t, value) }));
      continue;
    }
    if (key === "reason" && typeof value === "string") {
      lines.push(t("reason", { reason: reasonName(t, value) }));
      continue;
    }
    if (roleName && ROLE_FIELDS.has(key)) {
      const fromTo = change(value);
      const field = fieldName(t, key);
      lines.push(
        fromTo
          ? t("change", { field, from: show(t, roleValues(fromTo.from, roleName)), to: show(t, roleValues(fromTo.to, roleName)) })
          : t("value", { field, value: show(t, roleValues(value, roleName)) }),
      );
      continue;
    }
    // Settings changes ({"changes": {"enabled": {"from": false, "to": true}, …}}): one line per setting.
    if (key === "changes" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [setting, fromTo] of Object.entries(value)) {
        const c = change(fromTo);
        const field = fieldName(t, setting);
        lines.push(
          c
            ? t("change", { field, from: show(t, valueName(t, setting, c.from)), to: show(t, valueName(t, setting, c.to)) })
            : t("value", { field, value: show(t, valueName(t, setting, fromTo)) }),
        );
      }
      continue;
    }
    // Retention's record of where the chain now starts (lib/audit/retention.ts): the hash and count are for verify, the place for people.
    if (key === "anchor" && value && typeof value === "object" && "first_seq" in value) {
      lines.push(t("value", { field: fieldName(t, key), value: `#${String(value.first_seq)}` }));
      continue;
    }
    // A directory's settings as saved ({"config": {…}, "changed": [names]}): one line per setting, only the changed ones when named.
    if (key === "config" && value && typeof value === "object" && !Array.isArray(value)) {
      const changed = Array.isArray(details.changed) ? new Set(details.changed.map(String)) : null;
      for (const [setting, v] of Object.entries(value)) {
        if (changed && !changed.has(setting)) continue;
        lines.push(t("value", { field: fieldName(t, setting), value: show(t, valueName(t, setting, v)) }));
      }
      continue;
    }
    const fromTo = change(value);
    if (key === "auto_groups" && groupNames && fromTo) {
      const names = (ids: unknown) => (Array.isArray(ids) ? ids.map((id) => groupNames.get(String(id)) ?? String(id)) : ids);
      lines.push(t("change", { field: fieldName(t, "groups"), from: show(t, names(fromTo.from)), to: show(t, names(fromTo.to)) }));
      continue;
    }
    // Lists of group ids (an app's allowed groups, the two-factor groups): the groups' names where known.
    if (GROUP_ID_FIELDS.has(key) && groupNames) {
      const names = (ids: unknown) => (Array.isArray(ids) ? ids.map((id) => groupNames.get(String(id)) ?? String(id)) : ids);
      const field = fieldName(t, key);
      lines.push(fromTo ? t("change", { field, from: show(t, names(fromTo.from)), to: show(t, names(fromTo.to)) }) : t("value", { field, value: show(t, names(value)) }));
      continue;
    }
    const field = fieldName(t, key);
    lines.push(
      fromTo
        ? t("change", { field, from: show(t, valueName(t, key, fromTo.from)), to: show(t, valueName(t, key, fromTo.to)) })
        : t("value", { field, value: show(t, valueName(t, key, value)) }),
    );
  }
  return lines;
}
