/** Dates and counts as the group pages show them. */
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

export function formatCreated(date: Date): string {
  return dateFormat.format(date);
}

export function membersLabel(count: number): string {
  return `${count} ${count === 1 ? "member" : "members"}`;
}
