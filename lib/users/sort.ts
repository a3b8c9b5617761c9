/**
 * How the users list can be sorted, shared by the Users page, the API and the
 * query. Role, status, last login and creation sort in SQL. Names, emails and usernames
 * are encrypted at rest, so the database can't order by them: they sort by
 * decrypting the matches, which is only done when a search or filter narrows
 * the list to at most NAME_SORT_LIMIT users (a whole 100k directory is never
 * decrypted for one page).
 */
import type { SortOrder } from "@/lib/http/list-params";

export const USER_SORT_KEYS = ["name", "email", "username", "role", "status", "last_login", "created_at"] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];
export type UserSort = { key: UserSortKey; order: SortOrder };

/** The most users sorted by name or email at once (each is decrypted to sort). */
export const NAME_SORT_LIMIT = 1_000;

/** Keys whose values are encrypted and sorted after decrypting. */
export const DECRYPTED_SORT_KEYS: readonly UserSortKey[] = ["name", "email", "username"];

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * One value to sort on: a number (ranks, epoch ms) or a string (a decrypted
 * name or email); null ("never signed in", no email) always goes last.
 */
export type SortValue = number | string | null;

/** Compares two users' sort values, then creation time and id in the same direction. */
export function compareSorted(
  a: { value: SortValue; createdAt: number; id: string },
  b: { value: SortValue; createdAt: number; id: string },
  order: SortOrder,
): number {
  if (a.value === null || b.value === null) {
    if (a.value !== b.value) return a.value === null ? 1 : -1;
  } else {
    const byValue =
      typeof a.value === "string" && typeof b.value === "string" ? collator.compare(a.value, b.value) : Number(a.value) - Number(b.value);
    if (byValue !== 0) return order === "asc" ? byValue : -byValue;
  }
  const rest = a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return order === "asc" ? rest : -rest;
}
