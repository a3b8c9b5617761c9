const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Dates are shown in UTC, labelled, so every admin reads the same time. */
export function formatDateTime(date: Date | null, empty = "Never"): string {
  return date ? `${dateTime.format(date)} UTC` : empty;
}
