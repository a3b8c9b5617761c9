import { failureReasonLabel } from "@/lib/audit/actions";
import type { ActivityEvent } from "@/lib/audit/events";

const show = (v: unknown): string => {
  if (v === null || v === undefined || v === "") return "—";
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.map(show).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
};

function fromTo(v: unknown): string | null {
  if (v && typeof v === "object" && !Array.isArray(v) && "from" in v && "to" in v) {
    const { from, to } = v as { from: unknown; to: unknown };
    return `${show(from)} → ${show(to)}`;
  }
  return null;
}

const HIDDEN = new Set(["changed"]);

/**
 * One line per detail, for people: a failed sign-in's reason, before → after
 * for changes (names and emails come from the encrypted private details).
 */
export function detailLines(event: ActivityEvent, groupNames?: Map<string, string>): string[] {
  const lines: string[] = [];
  const details = { ...(event.details ?? {}), ...(event.privateDetails ?? {}) };
  for (const [key, value] of Object.entries(details)) {
    if (HIDDEN.has(key)) continue;
    if (key === "reason" && typeof value === "string") {
      lines.push(`Reason: ${failureReasonLabel(value)}`);
      continue;
    }
    if (key === "auto_groups" && groupNames) {
      const names = (ids: unknown) => (Array.isArray(ids) ? ids.map((id) => groupNames.get(String(id)) ?? String(id)) : ids);
      const change = fromTo(value);
      if (change && value && typeof value === "object") {
        const { from, to } = value as { from: unknown; to: unknown };
        lines.push(`groups: ${show(names(from))} → ${show(names(to))}`);
        continue;
      }
    }
    const label = key.replaceAll("_", " ");
    lines.push(`${label}: ${fromTo(value) ?? show(value)}`);
  }
  return lines;
}
