/**
 * On SQLite, the last pages of users lists asked for, each kept with the
 * database's `PRAGMA data_version` at the time it was read, and reused only
 * while that number is unchanged — as the access-token lookup does
 * (lib/tokens/access-tokens.ts). The number changes whenever any other
 * connection commits: this process's writer, a CLI command, another process
 * on the file. So a reused page is exactly what reading again would return:
 * it is not a time-based cache, and it holds across processes.
 *
 * Why: a token's `GET /api/users?limit=25` and the first page of Team → Users
 * are asked over and over with nothing written in between (automation polls,
 * dashboards reload), and reading and decrypting the page is most of what
 * those requests cost.
 *
 * What is kept is a page of users (at most 100; a whole list without a limit as
 * well, when it is that short) as the caller may see it; the
 * key holds the account, the caller, whether they may see everyone, and
 * every filter. Lists whose answer depends on the clock as well as the data
 * are never kept: a status filter or sort (a sign-in lock ends with time).
 * Lock ends in a kept page are compared with the clock where they are shown,
 * as for a fresh page. Records are frozen: a kept page is shared.
 *
 * PostgreSQL: the same, with the server's committed version (pg_current_snapshot,
 * lib/db/postgres.ts) in place of data_version: it changes with every commit on any
 * replica, so it holds across processes too (docs/benchmarks.md, round 10).
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

/**
 * The database's "has anything been committed since" number: SQLite's PRAGMA data_version on the
 * reader (synchronous), PostgreSQL's committed version (lib/db/postgres.ts snapshotVersions: one
 * small read shared by the requests that arrive while one is under way; a commit on any replica
 * changes it).
 */
const dataVersion = perDatabase(() => {
  const current = engine();
  const native = current.native;
  const kept = new Map<string, Kept>();
  if (native.kind === "sqlite") {
    const statement = native.reader.prepare<[], number>("PRAGMA data_version").pluck(true);
    return { read: (): number | Promise<string> => statement.get()!, kept };
  }
  const committed = current.committedVersion;
  return committed ? { read: (): number | Promise<string> => committed(), kept } : null;
});

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
  const versions = key === null ? null : dataVersion();
  if (!versions || key === null) return read();
  // Read before the page: a commit landing meanwhile makes the entry look older, never newer.
  const pending = versions.read();
  const version = typeof pending === "number" ? pending : await pending;
  const known = versions.kept.get(key);
  if (known && known.version === version) {
    versions.kept.delete(key);
    versions.kept.set(key, known);
    return known.page;
  }
  const page = await read();
  if (page.items.length > MAX_ITEMS) return page;
  if (versions.kept.size >= KEEP) versions.kept.delete(versions.kept.keys().next().value as string);
  versions.kept.set(key, { version, page: freeze(page) });
  return page;
}
