/**
 * Exports of the filtered activity log as CSV or JSON Lines, streamed a batch
 * at a time so a million events never sit in memory at once. CSV cells are
 * written by csv-stringify, with formula escaping on: a name or user agent
 * starting with "=" must not run as a formula when the file is opened in a
 * spreadsheet.
 */
import "server-only";
import { stringify } from "csv-stringify/sync";
import type { Actor } from "@/lib/auth/actor";
import { EXPORT_FORMATS, type EventFilters } from "./event-filters";
import { assertCanReadActivity, eachActivityEvent, toApiEvent } from "./events";

export { EXPORT_FORMATS };
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CSV_COLUMNS = [
  "timestamp",
  "seq",
  "activity_code",
  "activity",
  "initiator_type",
  "initiator_id",
  "initiator_name",
  "target_type",
  "target_id",
  "target_name",
  "ip",
  "user_agent",
  "meta",
  "id",
  "hash",
] as const;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

export function exportFileName(format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-");
  return `latchkey-activity-${stamp}.${format}`;
}

export function exportEvents(actor: Actor, filters: EventFilters, format: ExportFormat): ReadableStream<Uint8Array> {
  // Checked now, so a refusal is an error response rather than a broken download.
  assertCanReadActivity(actor);
  const batches = eachActivityEvent(actor, filters);
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await batches.next();
      const events = next.done ? [] : next.value.map(toApiEvent);
      let text = "";
      if (format === "csv") {
        const records = events.map((e) => CSV_COLUMNS.map((c) => (c === "meta" ? JSON.stringify(e.meta) : e[c])));
        if (records.length > 0 || first) {
          text = stringify(records, { header: first, columns: [...CSV_COLUMNS], escape_formulas: true });
        }
      } else {
        text = events.map((e) => JSON.stringify(e) + "\n").join("");
      }
      first = false;
      if (text) controller.enqueue(encoder.encode(text));
      if (next.done) controller.close();
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
