/**
 * Names of records stored before they were held to one line of visible text (lib/format/display-text.ts,
 * reviews 8 and 10): groups, roles, applications, identity providers, the LDAP directory, access tokens and
 * the mail sender name may still carry line breaks, tabs or direction overrides. Lists, the activity log,
 * mails and the `groups`/`roles` claims apps receive still showed them, and editing such a record asked for
 * the name to be fixed first. This pass cleans them once per instance, as a name from a directory is
 * cleaned (each run of such characters and the spaces around it becomes one space, trimmed; an empty
 * result becomes "<Kind> <short id>"), keeps names unique where the kind requires it (" (2)", " (3)" …),
 * and records each rename by "Name cleanup" with the old name escaped (`Ops\u000aAdmins`).
 *
 * It runs with the maintenance pass (lib/jobs.ts, under its lease), as lib/users/name-cleanup.ts does for
 * people's names: each rename is re-read and written in a unit of work of its own, so an edit made
 * meanwhile wins; when all are read it notes so (`meta`), and later passes read one row. A restored backup
 * from before brings no note, so the pass runs again there.
 *
 * A group or role renamed here reaches apps under its new name (their `groups`/`roles` claims): an app
 * matching the old name must be told the new one (docs/operations.md). Directory group mappings name
 * Latchkey groups by id and are not affected.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { and, eq } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { recordEvent } from "@/lib/audit/record";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { accessTokens, applications, groups, identityProviders, ldapSources, mailSettings, meta, roles, ROLES } from "@/lib/db/schema";
import { asDisplayText, escapedDisplayText, hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { APPLICATIONS_VERSION } from "@/lib/applications/for-provider";
import { APPLICATION_NAME_MAX } from "@/lib/applications/schemas";
import { GROUP_NAME_MAX } from "@/lib/groups/schemas";
import { SIGN_IN_SOURCE_NAME_MAX } from "@/lib/idp/schemas";
import { signInConfigurationChanged } from "@/lib/idp/configuration-version";
import { ROLE_NAME_MAX } from "@/lib/roles/schemas";
import { TOKEN_NAME_MAX_LENGTH } from "@/lib/tokens/limits";

/** The `meta` row that says every record's name has been read and cleaned. */
export const RECORD_NAMES_CLEANED = "records.names_cleaned";
const ACTOR = { type: "system" as const, id: null, label: "Name cleanup" };

/** Case and width don't make two names different where a kind keeps them unique (as its services compare them). */
const nameKey = (name: string) => name.normalize("NFKC").toLocaleLowerCase("en");

type Stored = { id: string; accountId: string; scope: string; name: string | null };

type Kind = {
  /** The record in the fallback name ("Group 1a2b3c4d"); null: an empty name is stored as none (the mail sender). */
  noun: string | null;
  max: number;
  table: SQLiteTable;
  columns: { id: SQLiteColumn; accountId: SQLiteColumn; scope: SQLiteColumn; name: SQLiteColumn };
  /** The row's property the name is set through. */
  field: string;
  /** Names are unique per scope (account or token owner); their keys of names no record may take. */
  unique?: { reserved?: readonly string[] };
  /** The activity event of a rename (besides account, actor, time). */
  event(row: Stored, from: string, to: string | null): { action: string; target: { type: string; id: string; label?: string | null }; details: Record<string, unknown> };
  /** After a rename, in its unit of work: the caches that hold the name move on. */
  changed?(tx: Tx): Promise<void>;
};

const renamed = (from: string, to: string | null) => ({ changed: ["name"], name: { from, to } });

const KINDS: Kind[] = [
  {
    noun: "Group",
    max: GROUP_NAME_MAX,
    table: groups,
    columns: { id: groups.id, accountId: groups.accountId, scope: groups.accountId, name: groups.name },
    field: "name",
    unique: {},
    event: (row, from, to) => ({ action: "group.renamed", target: { type: "group", id: row.id, label: to }, details: { from, to } }),
  },
  {
    noun: "Role",
    max: ROLE_NAME_MAX,
    table: roles,
    columns: { id: roles.id, accountId: roles.accountId, scope: roles.accountId, name: roles.name },
    field: "name",
    unique: { reserved: ROLES.map(nameKey) },
    event: (row, from, to) => ({ action: "role.updated", target: { type: "role", id: row.id, label: to }, details: renamed(from, to) }),
  },
  {
    noun: "Application",
    max: APPLICATION_NAME_MAX,
    table: applications,
    columns: { id: applications.id, accountId: applications.accountId, scope: applications.accountId, name: applications.name },
    field: "name",
    event: (row, from, to) => ({ action: "application.updated", target: { type: "application", id: row.id, label: to }, details: renamed(from, to) }),
    changed: (tx) => bumpCacheVersion(tx, APPLICATIONS_VERSION),
  },
  {
    noun: "Identity provider",
    max: SIGN_IN_SOURCE_NAME_MAX,
    table: identityProviders,
    columns: { id: identityProviders.id, accountId: identityProviders.accountId, scope: identityProviders.accountId, name: identityProviders.name },
    field: "name",
    unique: {},
    event: (row, from, to) => ({ action: "identity_provider.updated", target: { type: "identity_provider", id: row.id, label: to }, details: { changed: ["name"], changes: { name: { from, to } } } }),
    changed: signInConfigurationChanged,
  },
  {
    noun: "Directory",
    max: SIGN_IN_SOURCE_NAME_MAX,
    table: ldapSources,
    columns: { id: ldapSources.id, accountId: ldapSources.accountId, scope: ldapSources.accountId, name: ldapSources.name },
    field: "name",
    event: (row, from, to) => ({ action: "ldap.updated", target: { type: "ldap_source", id: row.id, label: to }, details: renamed(from, to) }),
    changed: signInConfigurationChanged,
  },
  {
    noun: "Token",
    max: TOKEN_NAME_MAX_LENGTH,
    table: accessTokens,
    columns: { id: accessTokens.id, accountId: accessTokens.accountId, scope: accessTokens.userId, name: accessTokens.name },
    field: "name",
    unique: {},
    event: (row, from, to) => ({ action: "token.renamed", target: { type: "token", id: row.id, label: to }, details: { user_id: row.scope, ...renamed(from, to) } }),
  },
  {
    noun: null,
    max: 120,
    table: mailSettings,
    columns: { id: mailSettings.accountId, accountId: mailSettings.accountId, scope: mailSettings.accountId, name: mailSettings.fromName },
    field: "fromName",
    event: (row, from, to) => ({ action: "settings.email.updated", target: { type: "account", id: row.accountId }, details: { changed: ["from_name"], from_name: { from, to } } }),
  },
];

function select(q: Tx | ReturnType<typeof db>, kind: Kind) {
  const c = kind.columns;
  return q.select({ id: c.id, accountId: c.accountId, scope: c.scope, name: c.name }).from(kind.table) as unknown as Promise<Stored[]> & {
    where(condition: ReturnType<typeof eq>): Promise<Stored[]>;
  };
}

/** The cleaned name, made unique among `taken` (keys) by a suffix that keeps it within the kind's length. */
export function cleanedName(kind: Pick<Kind, "noun" | "max">, id: string, name: string, taken: ReadonlySet<string>): string | null {
  const cleaned = asDisplayText(name, kind.max);
  const base = cleaned || (kind.noun === null ? null : `${kind.noun} ${id.replace(/-/g, "").slice(0, 8)}`);
  if (base === null) return null;
  for (let n = 1; ; n += 1) {
    const suffix = n === 1 ? "" : ` (${n})`;
    const candidate = `${base.slice(0, kind.max - suffix.length).trim()}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}

/** Renames one record when its name still needs it; false when someone changed or removed it meanwhile. */
async function cleanOne(kind: Kind, found: { id: string; accountId: string }, at: Date): Promise<boolean> {
  const itself = and(eq(kind.columns.accountId, found.accountId), eq(kind.columns.id, found.id))!;
  return writeSystem(async (tx) => {
    const [row] = await select(tx, kind).where(itself);
    if (!row?.name || !hasUnsafeDisplayCharacters(row.name)) return false;
    const taken = new Set(kind.unique?.reserved ?? []);
    if (kind.unique) {
      for (const other of await select(tx, kind).where(eq(kind.columns.scope, row.scope))) {
        if (other.id !== row.id && other.name !== null) taken.add(nameKey(other.name));
      }
    }
    const name = cleanedName(kind, row.id, row.name, taken);
    await tx.update(kind.table).set({ [kind.field]: name } as never).where(itself);
    await kind.changed?.(tx);
    await recordEvent(tx, { accountId: row.accountId, actor: ACTOR, ...kind.event(row, escapedDisplayText(row.name), name), meta: NO_REQUEST, at });
    return true;
  });
}

/** Cleans every record's name that needs it, once per instance; returns how many it renamed. */
export async function cleanStoredRecordNames({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const [done] = await db().select({ value: meta.value }).from(meta).where(eq(meta.key, RECORD_NAMES_CLEANED)).limit(1);
  if (done) return 0;
  let cleaned = 0;
  for (const kind of KINDS) {
    // Ids and names only; the few that need it are written one by one.
    for (const row of await select(db(), kind)) {
      if (row.name !== null && hasUnsafeDisplayCharacters(row.name) && (await cleanOne(kind, row, now))) cleaned += 1;
    }
  }
  await writeSystem(async (tx) => {
    await tx.insert(meta).values({ key: RECORD_NAMES_CLEANED, value: now.toISOString() }).onConflictDoNothing();
  });
  return cleaned;
}
