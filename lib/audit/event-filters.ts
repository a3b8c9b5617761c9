/**
 * The activity log's filters, one schema for the Activity page (URL), GET
 * /api/events and the exports (query string).
 */
import { z } from "zod";
import { digitsOnly, queryNumber } from "@/lib/http/number-input";

export const MAX_EVENTS_PAGE = 1000;
/** Deeper than this, use the `before` cursor: an offset costs a walk over every skipped event. */
export const MAX_EVENTS_OFFSET = 10_000;

const DAY_MS = 86_400_000;

/** The value starts with a day the calendar has: Date.parse reads 2026-02-30 as 2 March, silently. */
function isCalendarDate(value: string): boolean {
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!day) return false;
  const [year, month, date] = day.slice(1).map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, date));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === date;
}

/** "2026-05-01" (a whole UTC day) or a full ISO timestamp. */
function instant(field: string, endOfDay: boolean) {
  return z
    .string()
    .trim()
    .max(40)
    .transform((value, ctx) => {
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
      const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
      if (!isCalendarDate(value) || Number.isNaN(ms)) {
        ctx.addIssue({ code: "custom", message: `${field} must be a date (YYYY-MM-DD) or an ISO 8601 time` });
        return z.NEVER;
      }
      // A date-only "to" includes that whole day.
      return new Date(dateOnly && endOfDay ? ms + DAY_MS : ms);
    });
}

const cursor = (field: string) =>
  queryNumber(z.number({ error: digitsOnly(field) }).int(digitsOnly(field)).min(0, `${field} must be 0 or more`));

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const pageLimit = z
  .number({ error: digitsOnly("limit") })
  .int(digitsOnly("limit"))
  .min(1, "limit must be at least 1")
  .max(MAX_EVENTS_PAGE, `limit must be at most ${MAX_EVENTS_PAGE}`);

/** The fields, without the checks across them (zod can't pick or extend a refined object). */
const eventFilterFields = z.object({
    /** One action code (user.login.failed) or several, comma-separated. */
    action: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .trim()
        .max(500)
        .regex(/^[a-z0-9_.]+(,[a-z0-9_.]+)*$/, "action must be action codes such as user.login.failed, comma-separated")
        .transform((v) => v.split(","))
        .optional(),
    ),
    /** The actor's name, email or id (part of it for names and emails). */
    actor: z.preprocess(emptyAsUndefined, z.string().trim().max(200, "actor must be at most 200 characters").optional()),
    /** The target's name, email or id. */
    target: z.preprocess(emptyAsUndefined, z.string().trim().max(200, "target must be at most 200 characters").optional()),
    /** Events at or after this time. */
    from: z.preprocess(emptyAsUndefined, instant("from", false).optional()),
    /** Events before this time (a date includes that day). */
    to: z.preprocess(emptyAsUndefined, instant("to", true).optional()),
    /** Free text: names and emails of actors and targets, actions, failure reasons, an exact IP address or id. */
    search: z.preprocess(emptyAsUndefined, z.string().trim().max(200, "search must be at most 200 characters").optional()),
    limit: queryNumber(pageLimit.default(100)),
    offset: queryNumber(
      z
        .number({ error: digitsOnly("offset") })
        .int(digitsOnly("offset"))
        .min(0, "offset must be 0 or more")
        .max(MAX_EVENTS_OFFSET, `offset must be at most ${MAX_EVENTS_OFFSET}; use the before cursor to go further`)
        .default(0),
    ),
    /** Only events older than this seq (the next page of a newest-first list). */
    before: z.preprocess(emptyAsUndefined, cursor("before").optional()),
    /** Only events newer than this seq (the previous page). */
    after: z.preprocess(emptyAsUndefined, cursor("after").optional()),
  });

export const eventFiltersSchema = eventFilterFields
  .refine((f) => !(f.from && f.to) || f.from.getTime() < f.to.getTime(), {
    message: "from must be before to",
    path: ["to"],
  })
  .refine((f) => f.before === undefined || f.after === undefined, {
    message: "use either before or after, not both",
    path: ["after"],
  });

export type EventFilters = z.output<typeof eventFiltersSchema>;

/**
 * What GET /api/events/audit documents: the same filters, but without a limit it answers every event
 * (NetBird's clients don't page), so limit has no default there. The route parses with eventFiltersSchema.
 */
export const auditQueryDocSchema = eventFilterFields.extend({ limit: queryNumber(pageLimit).optional() });

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;

/** GET /api/events/export: the filtered view, whole (no paging), in a format. */
export const exportQuerySchema = eventFilterFields.omit({ limit: true, offset: true, before: true, after: true }).extend({
  format: z.enum(EXPORT_FORMATS, { error: `format must be one of: ${EXPORT_FORMATS.join(", ")}` }).default("csv"),
});

/** Reads filters from URL search params (repeated keys: the first wins). */
export function filtersInput(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [key, raw] of entries) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === "string" && !(key in out)) out[key] = value;
  }
  return out;
}

/** The filter part of a query string (no paging), for export links and "clear" links. */
export const FILTER_KEYS = ["action", "actor", "target", "from", "to", "search"] as const;
