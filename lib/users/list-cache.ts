/**
 * The last pages of users lists asked for, each kept with the database's
 * committed version (Engine.committedVersion) at the time it was read, and
 * reused only while that version is unchanged — as the access-token lookup does
 * (lib/tokens/access-tokens.ts). Any write by this process moves it at once;
 * on SQLite another process's commit (a CLI command) within a millisecond
 * (lib/db/sqlite-committed-version.ts); on PostgreSQL any commit on any replica
 * (the server's snapshot, lib/db/postgres.ts). So a reused page is what reading
 * again would return: it is not a time-based cache, and it holds across
 * processes.
 *
 * Why: a token's `GET /api/users?limit=25` and the first page of Team → Users
 * are asked over and over with nothing written in between (automation polls,
 * dashboards reload), and reading and decrypting the page is most of what
 * those requests cost.
 *
 * What is kept is a page of users (at most 100; a whole list without a limit as
 * well, when it is that short) as the caller may see it; the
 * key holds the account, the caller, whom they may see (people, service users), and
 * every filter. Lists whose answer depends on the clock as well as the data
 * are never kept: a status filter or sort (a sign-in lock ends with time).
 * Lock ends in a kept page are compared with the clock where they are shown,
 * as for a fresh page. Records are frozen: a kept page is shared.
 */
import "server-only";
import { engine } from "@/lib/db/database";
import { perDatabase } from "@/lib/db/prepared";
import type { UserRecord } from "./records";

/** Pages kept, least recently used dropped first. */
const KEEP = 64;
/** Longer lists (a long whole list without a limit, an export's batches) are read each time, not kept. */
const MAX_ITEMS = 100;

type Page = { items: UserRecord[]; total: number };

type Kept = { version: number | string; page: Page };

/** The pages kept, per database (tests and scripts reopen databases). */
const keptPages = perDatabase(() => new Map<string, Kept>());

function freeze(page: Page): Page {
  for (const user of page.items) {
    Object.freeze(user.autoGroups);
    if (user.mfa) Object.freeze(user.mfa);
    Object.freeze(user);
  }
  Object.freeze(page.items);
  return Object.freeze(page);
}

/** The page `key` names: kept while nothing was committed since it was read, else read (and kept). */
export async function keptPage(key: string | null, read: () => Promise<Page>): Promise<Page> {
  if (key === null) return read();
  const kept = keptPages();
  // Read before the page: a commit landing meanwhile makes the entry look older, never newer.
  const pending = engine().committedVersion();
  const version = typeof pending === "number" ? pending : await pending;
  const known = kept.get(key);
  if (known && known.version === version) {
    kept.delete(key);
    kept.set(key, known);
    return known.page;
  }
  const page = await read();
  if (page.items.length > MAX_ITEMS) return page;
  if (kept.size >= KEEP) kept.delete(kept.keys().next().value as string);
  kept.set(key, { version, page: freeze(page) });
  return page;
}
