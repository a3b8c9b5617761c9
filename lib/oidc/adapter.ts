/**
 * oidc-provider's storage (its Adapter interface) on Latchkey's database,
 * through the data layer, in either dialect: one row per model instance in
 * oidc_models. What is stored follows the project's rules for secrets:
 *  - the provider's ids (an opaque token's id IS the token; a user code is
 *    typed by a person; an interaction uid sits in a cookie) are kept only as
 *    SHA-256 digests, so a copy of the database hands out nothing usable;
 *  - the payload (claims, scopes, session details) is sealed with
 *    lib/crypto/aead, bound to its row;
 *  - user_id and client_id stay plain ids, so a person's or an app's grants can
 *    be found and revoked without opening every row.
 * Clients are not stored here: the "Client" model reads Applications
 * (lib/oidc/clients.ts).
 *
 * Speed (docs/benchmarks.md, round 6): the lookups are prepared once per
 * database (SQLite: better-sqlite3's own statement on the reader, as token
 * verification does), and on the token endpoint the writes of one request are
 * deferred into one unit of work that commits before the answer leaves
 * (./request-scope.ts): a refresh grant is one transaction, not three.
 * Round 8: on SQLite the lookups run on the idle writer (its page cache
 * survives the grants' commits: lib/db/idle-writer-read.ts) with their LIMIT
 * in the SQL (a bound one recompiles the statement on every run); on
 * PostgreSQL a token's lookup brings its grant along, and the upserts held one
 * after another are one statement, joined to the consume before them (round 9).
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray, isNotNull, isNull, lte, Param, Placeholder, sql, type SQL } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { alias, PgDialect } from "drizzle-orm/pg-core";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { decryptFieldUncached, encryptField } from "@/lib/crypto/aead";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect, engine, type Db, type Tx } from "@/lib/db/database";
import { onIdleWriter } from "@/lib/db/idle-writer-read";
import { literalLimit } from "@/lib/db/prepared";
import { firstRow } from "@/lib/db/raw";
import { oidcModels, type UserRow } from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema.pg";
import { applicationAccessColumns, mayUse, mayUseApps } from "@/lib/applications/for-provider";
import { instanceAccountId } from "@/lib/instance/account";
import { clientMetadata } from "./clients";
import { lockPersonForRevocation, sharedRevocationLockSql } from "./grants";
import { currentScope, personMemoKey, type AloneStatement, type DeferredWrite, type RequestScope } from "./request-scope";

/** The digest under which a provider value (token, code, user code, uid) is stored and looked up. */
export function modelDigest(value: string): string {
  return crypto.createHash("sha256").update(value, "utf8").digest("hex");
}

const sealContext = (name: string, idDigest: string) => ({ table: "oidc_models", column: "payload", rowId: `${name}:${idDigest}` });

async function accountOrFail(): Promise<string> {
  const accountId = await instanceAccountId();
  if (!accountId) throw new Error("The OpenID provider is used before the instance is set up");
  return accountId;
}

type Stored = {
  name: string;
  id: string;
  payloadCiphertext: string;
  /** Rows this request holds for its unit of work: the JSON they are (or will be) sealed from, read back as it is. */
  json?: string;
  expiresAtMs: number | null;
  consumedAtMs: number | null;
};
type Column = "id" | "userCode" | "uid";
type Lookup = (name: string, digest: string) => Stored | undefined | Promise<Stored | undefined>;

/**
 * The stored payload. expires_at is authoritative: a row past it comes back
 * with that expiry, and the provider answers as for any expired artifact
 * (a device code polled after it expired gets expired_token, not "unknown").
 */
function open(row: Stored | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.json ?? decryptFieldUncached(row.payloadCiphertext, sealContext(row.name, row.id))) as AdapterPayload;
  if (row.expiresAtMs !== null) payload.exp = Math.min(payload.exp ?? Number.MAX_SAFE_INTEGER, Math.floor(row.expiresAtMs / 1000));
  if (row.consumedAtMs !== null) payload.consumed = Math.floor(row.consumedAtMs / 1000);
  return payload;
}

function lookupQuery(database: Db, column: Column) {
  return database
    .select({
      name: oidcModels.name,
      id: oidcModels.id,
      payloadCiphertext: oidcModels.payloadCiphertext,
      expiresAt: oidcModels.expiresAt,
      consumedAt: oidcModels.consumedAt,
    })
    .from(oidcModels)
    .where(and(eq(oidcModels.name, sql.placeholder("name")), eq(oidcModels[column], sql.placeholder("digest"))))
    .limit(literalLimit(1));
}

type SqliteRow = [name: string, id: string, payloadCiphertext: string, expiresAtMs: number | null, consumedAtMs: number | null];

/** The lookup by one column, prepared once per database. */
function prepareLookup(database: Db, column: Column): Lookup {
  const query = lookupQuery(database, column).toSQL();
  // On SQLite, on the writer while it is idle (lib/db/idle-writer-read.ts: its page cache survives the grants' commits).
  const statement = onIdleWriter(({ native }) => native.prepare<unknown[], SqliteRow>(query.sql).raw(true));
  if (statement) {
    // The parameters in the order the SQL names them: the two placeholders (the limit is written into the SQL).
    const order = query.params.map((p) => (p instanceof Placeholder ? p.name : { literal: p }));
    return (name, digest) => {
      const row = statement().get(...order.map((key) => (key === "name" ? name : key === "digest" ? digest : (key as { literal: unknown }).literal)));
      if (!row) return undefined;
      const [rowName, id, payloadCiphertext, expiresAtMs, consumedAtMs] = row;
      return { name: rowName, id, payloadCiphertext, expiresAtMs, consumedAtMs };
    };
  }
  const prepared = lookupQuery(database, column).prepare();
  return async (name, digest) => {
    const [row] = await prepared.execute({ name, digest });
    if (!row) return undefined;
    return { name: row.name, id: row.id, payloadCiphertext: row.payloadCiphertext, expiresAtMs: row.expiresAt?.getTime() ?? null, consumedAtMs: row.consumedAt?.getTime() ?? null };
  };
}

/**
 * Models whose rows name their grant (grant_id): revoking the grant deletes them, and on PostgreSQL their lookup by id
 * brings the grant's row along.
 */
const GRANT_BOUND = new Set(["AccessToken", "RefreshToken", "AuthorizationCode", "DeviceCode", "BackchannelAuthenticationRequest"]);

type WithGrant = Stored & { grantRow: Stored | null };
type PgRow = {
  name: string;
  id: string;
  payload_ciphertext: string;
  expires_at: string | number | null;
  consumed_at: string | number | null;
  grant_id: string | null;
  grant_payload: string | null;
  grant_expires_at: string | number | null;
  grant_consumed_at: string | number | null;
};
const ms = (value: string | number | null) => (value === null ? null : Number(value));

/**
 * On PostgreSQL, hand-written SQL as a named (prepared) statement: parsed and planned once per pooled
 * connection, then only bound and run. The name is the text's digest, so each distinct text (these
 * statements come in a few shapes: how many tokens are minted, whose they are) is its own statement;
 * a text never seen before past SHAPES_NAMED runs unnamed, as Drizzle would send it. Measured (round 11,
 * pg_stat_statements): the consume-and-mint's planning was a quarter of its time in the server, and
 * the token lookup with its grant was planned on every call.
 */
const pgDialect = new PgDialect();
const SHAPES_NAMED = 64;
const statementNames = new Map<string, string>();
type PgQueryable = { query<R>(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: R[] }> };

async function namedRows<T>(q: Db | Tx, query: SQL): Promise<T[]> {
  const { sql: text, params } = pgDialect.sqlToQuery(query);
  let name = statementNames.get(text);
  if (!name && statementNames.size < SHAPES_NAMED) {
    name = `latchkey_oidc_${crypto.createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  // Drizzle's node-postgres database keeps its pool (the reader) or pooled connection (a tx) as $client.
  const client = (q as unknown as { $client: PgQueryable }).$client;
  const result = await client.query<T>(name ? { name, text, values: params } : { text, values: params });
  return result.rows;
}

/**
 * On PostgreSQL, a token (or code) by id with its grant's row in the same round trip: the grant is
 * stored under the SHA-256 of its id, which the token's row names in grant_id. The provider asks for
 * the grant right after the token (refresh, introspection, code exchange): one round trip, not two.
 */
async function lookupWithGrant(name: string, digest: string): Promise<WithGrant | undefined> {
  const scope = currentScope();
  if (scope && TOKEN_KINDS.includes(name)) {
    // Introspection without a hint asks for the value as an access token and as a refresh token at once:
    // one round trip for every kind, shared by those lookups (dropped when this request writes one).
    const key = tokenKindsKey(digest);
    let all = scope.memo.get(key) as Promise<Map<string, WithGrant>> | undefined;
    if (!all) {
      all = tokenKindsRead()({ digest }).then((found) => {
        for (const row of found) notePerson(scope, row);
        return new Map(found.map((row) => [row.name, fromKindsRow(row)]));
      });
      scope.memo.set(key, all);
      all.catch(() => scope.memo.delete(key));
    }
    return (await all).get(name);
  }
  const [row] = await namedRows<PgRow>(db(), withGrantQuery(sql`t.name = ${name}`, digest, 1));
  return row ? fromPgRow(row) : undefined;
}

/** Token kinds a presented value may be (./adapter.ts lookupWithGrant reads them together). */
const TOKEN_KINDS = ["AccessToken", "RefreshToken", "ClientCredentials"];
const tokenKindsKey = (digest: string) => `oidc-token-kinds:${digest}`;

/**
 * On PostgreSQL, a presented token's rows of every kind, each with its grant's row AND the person it was
 * issued to and whether the app lets them in now (the check lib/oidc/accounts.ts usableUserOfApp makes,
 * which the provider asks next: refresh, introspection, userinfo), in one named statement: one round
 * trip for what took two. The person-and-app answer is kept for the request (./request-scope.ts
 * personMemoKey), as the provider's own check would keep it.
 */
type KindsRow = {
  name: string;
  id: string;
  payloadCiphertext: string;
  expiresAt: Date | null;
  consumedAt: Date | null;
  accountId: string;
  userId: string | null;
  clientId: string | null;
  grantId: string | null;
  grantPayload: string | null;
  grantExpiresAt: Date | null;
  grantConsumedAt: Date | null;
  user: UserRow | null;
  restricted: boolean | null;
  limited: unknown;
  member: unknown;
};
type KindsRead = (values: { digest: string }) => Promise<KindsRow[]>;
const kindsReads = new WeakMap<Db, KindsRead>();

function tokenKindsRead(): KindsRead {
  const database = db();
  let read = kindsReads.get(database);
  if (read) return read;
  // PostgreSQL only: its schema's tables (the same objects lib/db/schema.ts hands out on PostgreSQL).
  const { applications, users } = pgSchema;
  const t = alias(pgSchema.oidcModels, "t");
  const g = alias(pgSchema.oidcModels, "g");
  // Db is typed with SQLite's builders; on PostgreSQL they are pg-core's (whose prepare takes a name).
  const query = (database as unknown as NodePgDatabase)
    .select({
      name: t.name,
      id: t.id,
      payloadCiphertext: t.payloadCiphertext,
      expiresAt: t.expiresAt,
      consumedAt: t.consumedAt,
      accountId: t.accountId,
      userId: t.userId,
      clientId: t.clientId,
      grantId: g.id,
      grantPayload: g.payloadCiphertext,
      grantExpiresAt: g.expiresAt,
      grantConsumedAt: g.consumedAt,
      user: users,
      // (typed with SQLite's columns; at run time they are the PostgreSQL tables', as above)
      ...(applicationAccessColumns("users.id") as unknown as Record<string, SQL>),
    })
    .from(t)
    .leftJoin(g, and(eq(g.name, "Grant"), eq(g.id, sql`encode(sha256(convert_to(${t.grantId}, 'UTF8')), 'hex')`)))
    .leftJoin(users, and(eq(users.accountId, t.accountId), eq(users.id, t.userId)))
    .leftJoin(applications, and(eq(applications.accountId, t.accountId), eq(applications.clientId, t.clientId)))
    .where(and(inArray(t.name, TOKEN_KINDS), eq(t.id, sql.placeholder("digest"))));
  const prepared = query.prepare("latchkey_oidc_token_kinds") as unknown as { execute(values: { digest: string }): Promise<KindsRow[]> };
  read = (values) => prepared.execute(values);
  kindsReads.set(database, read);
  return read;
}

const epoch = (value: Date | null) => value?.getTime() ?? null;

function fromKindsRow(row: KindsRow): WithGrant {
  const grantRow =
    row.grantId === null || row.grantPayload === null
      ? null
      : { name: "Grant", id: row.grantId, payloadCiphertext: row.grantPayload, expiresAtMs: epoch(row.grantExpiresAt), consumedAtMs: epoch(row.grantConsumedAt) };
  return { name: row.name, id: row.id, payloadCiphertext: row.payloadCiphertext, expiresAtMs: epoch(row.expiresAt), consumedAtMs: epoch(row.consumedAt), grantRow };
}

/**
 * The person-and-app answer read along with a token, kept for the request under the key the provider's
 * check uses (lib/oidc/provider.ts personForApp), by usableUserOfApp's rules (lib/oidc/accounts.ts): the
 * person is of this instance, may use apps (mayUseApps) and the app lets them in (mayUse).
 */
function notePerson(scope: RequestScope, row: KindsRow): void {
  if (!row.userId || !row.clientId || row.userId.length > 100 || row.clientId.length > 100) return;
  const key = personMemoKey(row.userId, row.clientId);
  if (scope.memo.has(key)) return;
  const user = row.user;
  const answer = (async () => {
    if (!user || user.accountId !== (await instanceAccountId())) return null;
    return mayUseApps(user) && mayUse(row) ? user : null;
  })();
  scope.memo.set(key, answer);
  answer.catch(() => scope.memo.delete(key));
}

function withGrantQuery(names: ReturnType<typeof sql>, digest: string, limit: number | null) {
  return sql`select t.name, t.id, t.payload_ciphertext, t.expires_at, t.consumed_at,
          g.id as grant_id, g.payload_ciphertext as grant_payload, g.expires_at as grant_expires_at, g.consumed_at as grant_consumed_at
        from oidc_models t
        left join oidc_models g on g.name = 'Grant' and g.id = encode(sha256(convert_to(t.grant_id, 'UTF8')), 'hex')
        where ${names} and t.id = ${digest}${limit === null ? sql`` : sql` limit ${sql.raw(String(limit))}`}`;
}

function fromPgRow(row: PgRow): WithGrant {
  const grantRow =
    row.grant_id === null || row.grant_payload === null
      ? null
      : { name: "Grant", id: row.grant_id, payloadCiphertext: row.grant_payload, expiresAtMs: ms(row.grant_expires_at), consumedAtMs: ms(row.grant_consumed_at) };
  return { name: row.name, id: row.id, payloadCiphertext: row.payload_ciphertext, expiresAtMs: ms(row.expires_at), consumedAtMs: ms(row.consumed_at), grantRow };
}

type KindsLookup = (scope: RequestScope, name: string, digest: string) => Promise<Stored | undefined>;
const sqliteKindsLookups = new WeakMap<Db, KindsLookup | null>();

/**
 * On SQLite, a presented token's rows of every kind in one statement on the idle writer, kept for the
 * request under the same key as PostgreSQL's tokenKindsRead (dropped when the request writes, consumes
 * or deletes that value, or revokes a grant): introspection without a hint asks for the value as an
 * access token and as a refresh token at once, two statements for one answer (round 12). Null on
 * PostgreSQL.
 */
function sqliteTokenKinds(): KindsLookup | null {
  const database = db();
  const known = sqliteKindsLookups.get(database);
  if (known !== undefined) return known;
  const query = database
    .select({ name: oidcModels.name, id: oidcModels.id, payloadCiphertext: oidcModels.payloadCiphertext, expiresAt: oidcModels.expiresAt, consumedAt: oidcModels.consumedAt })
    .from(oidcModels)
    .where(and(inArray(oidcModels.name, TOKEN_KINDS), eq(oidcModels.id, sql.placeholder("digest"))))
    .toSQL();
  const statement = onIdleWriter(({ native }) => native.prepare<unknown[], SqliteRow>(query.sql).raw(true));
  let found: KindsLookup | null = null;
  if (statement) {
    const order = query.params.map((p) => (p instanceof Placeholder ? p.name : { literal: p }));
    found = async (scope, name, digest) => {
      const key = tokenKindsKey(digest);
      let all = scope.memo.get(key) as Promise<Map<string, Stored>> | undefined;
      if (!all) {
        const rows = statement().all(...order.map((k) => (k === "digest" ? digest : (k as { literal: unknown }).literal)));
        all = Promise.resolve(new Map(rows.map(([rowName, id, payloadCiphertext, expiresAtMs, consumedAtMs]) => [rowName, { name: rowName, id, payloadCiphertext, expiresAtMs, consumedAtMs }])));
        scope.memo.set(key, all);
      }
      return (await all).get(name);
    };
  }
  sqliteKindsLookups.set(database, found);
  return found;
}

const lookups = new WeakMap<Db, Map<Column, Lookup>>();

function lookup(column: Column): Lookup {
  const database = db();
  let byColumn = lookups.get(database);
  if (!byColumn) lookups.set(database, (byColumn = new Map()));
  let found = byColumn.get(column);
  if (!found) byColumn.set(column, (found = prepareLookup(database, column)));
  return found;
}

type UpsertValues = {
  name: string;
  id: string;
  accountId: string;
  payloadCiphertext: string;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  userId: string | null;
  clientId: string | null;
  expiresAt: Date | null;
};

/**
 * On SQLite, the token endpoint's writes as better-sqlite3 statements on the writer connection,
 * prepared once: the unit of work's transaction is that connection's, so they run inside it (the
 * SQL is Drizzle's, from the schema). Building and preparing the three statements of every grant
 * was a tenth of its time. PostgreSQL keeps Drizzle's builders (null here).
 */
type NativeWrites = { upsert(values: UpsertValues): void; consume(name: string, digest: string, atMs: number): number };
/** An upsert's SET: every column from the row being inserted (each row's own values in a batch). */
const FROM_THE_NEW_ROW = {
  payloadCiphertext: sql.raw(`excluded."payload_ciphertext"`),
  grantId: sql.raw(`excluded."grant_id"`),
  userCode: sql.raw(`excluded."user_code"`),
  uid: sql.raw(`excluded."uid"`),
  userId: sql.raw(`excluded."user_id"`),
  clientId: sql.raw(`excluded."client_id"`),
  expiresAt: sql.raw(`excluded."expires_at"`),
};

const nativeWrites = new WeakMap<object, NativeWrites>();

/** A statement's parameters in order: the placeholders' names (inserts wrap them in a Param), and literals as they are. */
function placeholdersOf(params: unknown[]): Array<string | { literal: unknown }> {
  return params.map((p) => {
    const value = p instanceof Param ? p.value : p;
    return value instanceof Placeholder ? value.name : { literal: value };
  });
}

function sqliteWrites(): NativeWrites | null {
  const native = engine().native;
  if (native.kind !== "sqlite") return null;
  let writes = nativeWrites.get(native.writer);
  if (writes) return writes;
  const database = db(); // only to write the SQL; the statements run on the writer
  const p = (name: string) => sql.placeholder(name);
  const upsertSql = database
    .insert(oidcModels)
    .values({
      name: p("name"),
      id: p("id"),
      accountId: p("accountId"),
      payloadCiphertext: p("payloadCiphertext"),
      grantId: p("grantId"),
      userCode: p("userCode"),
      uid: p("uid"),
      userId: p("userId"),
      clientId: p("clientId"),
      expiresAt: p("expiresAt"),
    })
    .onConflictDoUpdate({
      target: [oidcModels.name, oidcModels.id],
      set: FROM_THE_NEW_ROW,
    })
    .toSQL();
  const consumeSql = database
    .update(oidcModels)
    .set({ consumedAt: sql`${p("at")}` })
    .where(and(eq(oidcModels.name, p("name")), eq(oidcModels.id, p("id")), isNull(oidcModels.consumedAt)))
    .toSQL();
  const upsert = native.writer.prepare(upsertSql.sql);
  const upsertOrder = placeholdersOf(upsertSql.params);
  const consume = native.writer.prepare(consumeSql.sql);
  const consumeOrder = placeholdersOf(consumeSql.params);
  const bind = (order: Array<string | { literal: unknown }>, values: Record<string, unknown>) =>
    order.map((key) => (typeof key === "string" ? values[key] : key.literal));
  writes = {
    upsert(values) {
      upsert.run(...bind(upsertOrder, { ...values, expiresAt: values.expiresAt?.getTime() ?? null }));
    },
    consume(name, digest, atMs) {
      return consume.run(...bind(consumeOrder, { name, id: digest, at: atMs })).changes;
    },
  };
  nativeWrites.set(native.writer, writes);
  return writes;
}

type Deferred = NonNullable<RequestScope["deferred"]>;

/** A deferred write that upserts every row put in `rows` (by model and digest: a later upsert of one row replaces it). */
type BatchedUpsert = ((tx: Tx) => Promise<void>) & {
  rows?: Map<string, UpsertValues & { expiresAt: Date | null }>;
  /** The row a consume held in the same write changes (model:digest): an upsert of that row goes in a write of its own. */
  consumes?: string;
};

function batchedUpsert(first: UpsertValues): BatchedUpsert {
  const rows = new Map([[modelKey(first.name, first.id), first]]);
  const write: BatchedUpsert = async (tx) => {
    await tx
      .insert(oidcModels)
      .values([...rows.values()])
      .onConflictDoUpdate({
        target: [oidcModels.name, oidcModels.id],
        // Each row's own values (excluded), not one set for all.
        set: FROM_THE_NEW_ROW,
      });
  };
  write.rows = rows;
  return write;
}
const modelKey = (name: string, digest: string) => `${name}:${digest}`;

type PendingConsume = { name: string; digest: string; at: Date; known: boolean; grantId: string | undefined };

/**
 * The consume-and-mint of the token endpoint (a refresh grant's rotation, a code exchange) as one
 * statement that needs no transaction and no write lock (PostgreSQL). DESIGN — why it is safe without
 * the instance's write lock:
 *  - rotation and reuse: the old token is consumed by `UPDATE … WHERE consumed_at IS NULL`; of two
 *    requests presenting it, the second waits on the first's row lock and then finds it consumed
 *    (nothing returned: ConsumedMeanwhile, and its grant is revoked as for any reuse). The new tokens
 *    are inserted only when the consume returned the row (`WHERE EXISTS (SELECT 1 FROM consumed)`), so
 *    nothing is ever minted for a token that was not consumed, and nothing needs rolling back;
 *  - revocation: the statement first takes the person's (and the app's) revocation lock SHARED, and
 *    every path that ends a person's or an app's tokens takes it EXCLUSIVE before deleting
 *    (./grants.ts lockPersonForRevocation / lockAppForRevocation, the one place; advisory locks
 *    since round 11, FOR SHARE / FOR UPDATE on their rows before). Either the grant holds it first,
 *    commits, and the revocation's later DELETE (a new statement, a new snapshot) sees and deletes the
 *    new tokens; or the revocation holds it first and commits, and the grant's consume then finds the
 *    old token deleted (its UPDATE skips a row deleted after its snapshot) and mints nothing.
 *    No window in which a concurrent grant mints a token that survives the revocation;
 *  - the activity chain: this statement records no event; anything that does keeps the write lock.
 */
function consumeAndMintStatement(consume: PendingConsume, rows: UpsertValues[]) {
  const userId = rows.find((r) => r.userId)?.userId ?? null;
  const clientId = rows.find((r) => r.clientId)?.clientId ?? null;
  const accountId = rows[0].accountId;
  // The person still unblocked and the app still registered (as of the statement's start), each with its
  // revocation lock held shared (./grants.ts: the revocation's exclusive lock orders it against this).
  // These checks read the snapshot from before any wait for that lock: what stops a grant that waited for a
  // revocation is the revocation's DELETE of the token rows (the consume below then finds nothing). So every
  // way of ending someone's access must delete their tokens under the lock, never only change their row.
  const person = userId
    ? sql`exists (select 1 from users where account_id = ${accountId} and id = ${userId} and is_blocked = false) and ${sharedRevocationLockSql("person", accountId, userId)}`
    : sql`true`;
  const app = clientId
    ? sql`exists (select 1 from applications where account_id = ${accountId} and client_id = ${clientId}) and ${sharedRevocationLockSql("app", accountId, clientId)}`
    : sql`true`;
  const values = sql.join(
    rows.map(
      (r) =>
        sql`(${r.name}::text, ${r.id}::text, ${r.accountId}::text, ${r.payloadCiphertext}::text, ${r.grantId}::text, ${r.userCode}::text, ${r.uid}::text, ${r.userId}::text, ${r.clientId}::text, ${r.expiresAt?.getTime() ?? null}::bigint)`,
    ),
    sql`, `,
  );
  return sql`with consumed as (
      update oidc_models set consumed_at = ${consume.at.getTime()}
      where name = ${consume.name} and id = ${consume.digest} and consumed_at is null and ${person} and ${app}
      returning id),
    minted as (
      insert into oidc_models (name, id, account_id, payload_ciphertext, grant_id, user_code, uid, user_id, client_id, expires_at)
      select * from (values ${values}) as v(name, id, account_id, payload_ciphertext, grant_id, user_code, uid, user_id, client_id, expires_at)
      where exists (select 1 from consumed)
      on conflict (name, id) do update set payload_ciphertext = excluded.payload_ciphertext, grant_id = excluded.grant_id,
        user_code = excluded.user_code, uid = excluded.uid, user_id = excluded.user_id, client_id = excluded.client_id, expires_at = excluded.expires_at)
    select count(*) as changed from consumed`;
}

/**
 * On PostgreSQL, a deferred consume (only if still unused) that the upserts held right after it join
 * (the refresh grant's new refresh and access tokens, the code exchange's access token): one statement,
 * the update and the insert as data-modifying CTEs, instead of two round trips while the unit of work
 * holds the write lock. Nothing consumed means another request consumed it first (ConsumedMeanwhile):
 * the unit of work rolls back, the inserted rows with it.
 */
function consumeThenUpsert(consume: PendingConsume): BatchedUpsert & AloneStatement {
  const rows: NonNullable<BatchedUpsert["rows"]> = new Map();
  const write: BatchedUpsert = async (tx) => {
    const update = tx
      .update(oidcModels)
      .set({ consumedAt: consume.at })
      .where(and(eq(oidcModels.name, consume.name), eq(oidcModels.id, consume.digest), isNull(oidcModels.consumedAt)))
      .returning({ id: oidcModels.id });
    let changed: number;
    if (rows.size === 0) {
      changed = (await update).length;
    } else {
      const upsert = tx
        .insert(oidcModels)
        .values([...rows.values()])
        .onConflictDoUpdate({ target: [oidcModels.name, oidcModels.id], set: FROM_THE_NEW_ROW });
      // The builders' SQL, not the builders: Drizzle puts parentheses around an embedded builder, which WITH refuses.
      const row = await firstRow<{ changed: number | string }>(tx, sql`with consumed as (${update.getSQL()}), upserted as (${upsert.getSQL()}) select count(*) as changed from consumed`);
      changed = Number(row?.changed ?? 0);
    }
    if (changed === 0 && consume.known) throw new ConsumedMeanwhile(consume.grantId);
  };
  write.rows = rows;
  write.consumes = modelKey(consume.name, consume.digest);
  // Alone (outside the write lock): only with tokens to mint, which name whose they are; the consume's
  // own row must not be among them (one statement never changes a row twice).
  (write as AloneStatement).alone = async (q) => {
    if (rows.size === 0) throw new Error("consumeThenUpsert alone needs rows to mint");
    const [row] = await namedRows<{ changed: number | string }>(q, consumeAndMintStatement(consume, [...rows.values()]));
    if (Number(row?.changed ?? 0) === 0 && consume.known) throw new ConsumedMeanwhile(consume.grantId);
  };
  return write;
}

/**
 * A delete of a row held for this request's unit of work makes that request's earlier upserts of the
 * same row pointless: they would write it only for the delete, later in the same transaction, to
 * remove it again (the interaction: its result is saved, then the resumed authorization request
 * consumes it, in one request — round 12). They are dropped; the delete still runs, for the row as
 * stored before this request. Nothing between them reads the database for that row (the request's
 * own reads of it are answered from deferred.models), so the transaction ends in the same state.
 * Only plain upserts go: a consume and the tokens minted with it (consumeThenUpsert) stay whole.
 */
function dropPendingUpserts(deferred: Deferred, key: string): void {
  deferred.writes = deferred.writes.filter((write) => {
    if ((write as { upserts?: string }).upserts === key) return false;
    const batch = write as BatchedUpsert;
    if (batch.rows?.has(key) && batch.consumes === undefined) {
      batch.rows.delete(key);
      return batch.rows.size > 0;
    }
    return true;
  });
}

class DatabaseAdapter implements Adapter {
  constructor(private readonly name: string) {}

  /** The request's deferred writes, when this request defers them (the token endpoint). */
  private deferred(): Deferred | undefined {
    return currentScope()?.deferred;
  }

  private async write(fn: (tx: Tx) => Promise<unknown>): Promise<void> {
    const deferred = this.deferred();
    if (deferred) deferred.writes.push(async (tx) => void (await fn(tx)));
    else await writeSystem(async (tx) => void (await fn(tx)));
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const accountId = await accountOrFail();
    const digest = modelDigest(id);
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const json = JSON.stringify(payload);
    const seal = () => encryptField(json, sealContext(this.name, digest));
    const deferred = this.deferred();
    const native = sqliteWrites();
    // Held for the request's unit of work on SQLite: sealed when it is written (a row this request deletes again
    // is never sealed: destroy drops its upsert). Otherwise sealed now (PostgreSQL's held upserts join one statement).
    const sealLater = Boolean(deferred && native);
    const values = {
      payloadCiphertext: sealLater ? "" : seal(),
      // Only the grant's own credentials are filed under it (revokeByGrantId deletes by it): an interaction also names
      // the person's earlier grant, and must outlive that grant's revocation (a sign-in switching person revokes it).
      grantId: GRANT_BOUND.has(this.name) ? (payload.grantId ?? null) : null,
      userCode: payload.userCode ? modelDigest(payload.userCode) : null,
      uid: payload.uid ? modelDigest(payload.uid) : null,
      userId: payload.accountId ?? null,
      clientId: payload.clientId ?? null,
      expiresAt,
    };
    currentScope()?.prefetched.delete(modelKey(this.name, digest));
    currentScope()?.memo.delete(tokenKindsKey(digest));
    if (deferred) {
      // The request's own reads of this row are answered from here, from the JSON it was sealed from (not opened again).
      const stored: Stored = { name: this.name, id: digest, payloadCiphertext: values.payloadCiphertext, json, expiresAtMs: expiresAt?.getTime() ?? null, consumedAtMs: null };
      deferred.models.set(modelKey(this.name, digest), stored);
    }
    const row = { name: this.name, id: digest, accountId, ...values };
    if (claimsDeviceCode(this.name, payload)) {
      // The claim and the check that nobody claimed it first, in one unit of work (under the write lock).
      await this.write(async (tx) => {
        await refuseSecondClaim(tx, digest);
        await tx.insert(oidcModels).values({ ...row, payloadCiphertext: values.payloadCiphertext || seal() }).onConflictDoUpdate({ target: [oidcModels.name, oidcModels.id], set: FROM_THE_NEW_ROW });
      });
      return;
    }
    if (deferred && this.name === "Grant" && deferred.read.has(modelKey(this.name, digest))) {
      // A grant this request found stored and saves again (scopes added: a silent request's, ./provider.ts
      // grantScopesAskedSilently, or the interaction's) is updated, never made anew: revoked meanwhile (the person's
      // Revoke access, a block, the app's access changed), it stays revoked, and a code minted on it gives no tokens.
      deferred.writes.push(async (tx) => {
        await tx
          .update(oidcModels)
          .set({ ...values, payloadCiphertext: values.payloadCiphertext || seal() })
          .where(and(eq(oidcModels.name, this.name), eq(oidcModels.id, digest)));
      });
      return;
    }
    if (deferred && !native) {
      // PostgreSQL: upserts held one after another (a grant's new refresh and access tokens) go in one statement.
      const last = deferred.writes.at(-1) as BatchedUpsert | undefined;
      const key = modelKey(this.name, digest);
      // One statement never changes a row twice: the consumed row's own upsert goes after it, apart.
      if (last?.rows && last.consumes !== key) last.rows.set(key, row);
      else deferred.writes.push(batchedUpsert(row));
      return;
    }
    const apply = async (tx: Tx) => {
      if (native) return native.upsert(sealLater ? { ...row, payloadCiphertext: seal() } : row);
      await tx.insert(oidcModels).values(row).onConflictDoUpdate({ target: [oidcModels.name, oidcModels.id], set: values });
    };
    if (deferred) {
      // Marked with its row, so that a delete of the same row later in this request can drop it (destroy).
      deferred.writes.push(Object.assign(apply, { upserts: modelKey(this.name, digest) }) as DeferredWrite);
      return;
    }
    await writeSystem(apply);
  }

  private async findBy(column: Column, value: string): Promise<AdapterPayload | undefined> {
    const digest = modelDigest(value);
    const deferred = this.deferred();
    if (deferred && column === "id") {
      const pending = deferred.models.get(modelKey(this.name, digest));
      if (pending !== undefined) return pending === null ? undefined : open(pending as Stored);
    }
    const scope = currentScope();
    if (scope && column === "id" && this.name === "Grant") {
      const known = scope.prefetched.get(modelKey("Grant", digest));
      if (known) deferred?.read.set(modelKey("Grant", digest), { row: known });
      if (known !== undefined) return known === null ? undefined : open(known as Stored);
    }
    const withGrant = scope && column === "id" && GRANT_BOUND.has(this.name) && dialect() === "postgres";
    const everyKind = scope && column === "id" && !withGrant && TOKEN_KINDS.includes(this.name) ? sqliteTokenKinds() : null;
    const row = withGrant
      ? await lookupWithGrant(this.name, digest)
      : everyKind && scope
        ? await everyKind(scope, this.name, digest)
        : await lookup(column)(this.name, digest);
    if (row && deferred) {
      // Consumed or revoked earlier in this request (not committed yet).
      const pending = deferred.models.get(modelKey(this.name, row.id));
      if (pending === null) return undefined;
      if (pending !== undefined) return open(pending as Stored);
    }
    const payload = open(row);
    if (row && deferred) deferred.read.set(modelKey(this.name, row.id), { row, grantId: payload?.grantId });
    if (row && scope && "grantRow" in row && typeof payload?.grantId === "string") {
      scope.prefetched.set(modelKey("Grant", modelDigest(payload.grantId)), row.grantRow);
    }
    return payload;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.name === "Client") return clientMetadata(id);
    return this.findBy("id", id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const found = await this.findBy("userCode", userCode);
    const scope = currentScope();
    if (!found && scope) scope.userCodeMisses += 1;
    return found;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy("uid", uid);
  }

  async consume(id: string): Promise<void> {
    const digest = modelDigest(id);
    currentScope()?.memo.delete(tokenKindsKey(digest));
    const now = new Date();
    const deferred = this.deferred();
    if (!deferred) {
      await writeSystem((tx) =>
        tx
          .update(oidcModels)
          .set({ consumedAt: now })
          .where(and(eq(oidcModels.name, this.name), eq(oidcModels.id, digest))),
      );
      return;
    }
    const key = modelKey(this.name, digest);
    // What this request wrote or read of it already (the provider finds a code or refresh token before consuming it).
    const read = deferred.read.get(key);
    const known = (deferred.models.get(key) as Stored | null | undefined) ?? (read?.row as Stored | undefined) ?? (await lookup("id")(this.name, digest));
    if (known) deferred.models.set(key, { ...known, consumedAtMs: now.getTime() });
    const grantId = known ? (read && read.row === known ? read.grantId : open(known)?.grantId) : undefined;
    // Consumed only if nobody consumed it meanwhile: two requests presenting one code or refresh token at
    // once both found it unused, and only the first to commit gets its tokens (the other, ConsumedMeanwhile).
    const native = sqliteWrites();
    if (!native) {
      // PostgreSQL: the upserts that follow join this write (one round trip: consumeThenUpsert).
      deferred.writes.push(consumeThenUpsert({ name: this.name, digest, at: now, known: Boolean(known), grantId }));
      return;
    }
    deferred.writes.push(async () => {
      const changed = native.consume(this.name, digest, now.getTime());
      if (changed === 0 && known) throw new ConsumedMeanwhile(grantId);
    });
  }

  async destroy(id: string): Promise<void> {
    const digest = modelDigest(id);
    const key = modelKey(this.name, digest);
    currentScope()?.prefetched.delete(key);
    currentScope()?.memo.delete(tokenKindsKey(digest));
    const deferred = this.deferred();
    // An interaction this request found stored is spent by its delete: the delete must find it (InteractionSpentMeanwhile).
    const spends = Boolean(deferred && this.name === "Interaction" && deferred.read.has(key));
    if (deferred) {
      deferred.models.set(key, null);
      dropPendingUpserts(deferred, key);
    }
    await this.write(async (tx) => {
      const gone = await tx.delete(oidcModels).where(and(eq(oidcModels.name, this.name), eq(oidcModels.id, digest))).returning({ id: oidcModels.id });
      if (spends && gone.length === 0) throw new InteractionSpentMeanwhile();
    });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // Every model of the grant goes (tokens, codes), not only this adapter's kind: a grant revoked is revoked whole.
    // Never deferred: a reused refresh token's chain ends even if the rest of the request fails.
    const scope = currentScope();
    scope?.prefetched.set(modelKey("Grant", modelDigest(grantId)), null);
    // Tokens of the grant read earlier in this request are gone too.
    for (const key of scope?.memo.keys() ?? []) if (key.startsWith(tokenKindsKey(""))) scope?.memo.delete(key);
    await writeSystem(async (tx) => {
      // On PostgreSQL a refresh of this grant may be minting outside the write lock: the person's
      // revocation lock first (./grants.ts), so such a grant commits before the DELETE reads and its
      // new tokens go too (they keep the grant id).
      if (dialect() === "postgres") {
        const [holder] = await tx
          .select({ accountId: oidcModels.accountId, userId: oidcModels.userId })
          .from(oidcModels)
          .where(and(eq(oidcModels.grantId, grantId), isNotNull(oidcModels.userId)))
          .limit(1);
        if (holder?.userId) await lockPersonForRevocation(tx, holder.accountId, holder.userId);
      }
      await tx.delete(oidcModels).where(eq(oidcModels.grantId, grantId));
    });
  }
}

/**
 * The device page's Approve claims a device code: oidc-provider finds it by its user code, checks that it is
 * not claimed yet (inFlight, accountId or error) and saves it with inFlight set, then goes on to sign the
 * person in to the app; Deny saves it with error set. The check and the save were two round trips apart, so
 * two people pressing Approve on one code at the same moment both passed, each was told "Device connected",
 * and the device got whichever person's grant was saved last (review 16); an Approve and a Deny at once
 * likewise. The save that sets inFlight (or Deny's error) is the claim: it checks the stored code again in
 * its own unit of work and is refused when another claim came first.
 */
function claimsDeviceCode(name: string, payload: AdapterPayload): boolean {
  // Approve sets inFlight, Deny sets error: each is a claim. An error saved on a code this request claimed (inFlight
  // and error: the sign-in after Approve failed) and the approved code's save (accountId) follow a claim of their own.
  return name === "DeviceCode" && !payload.accountId && (payload.inFlight === true) !== Boolean(payload.error);
}

async function refuseSecondClaim(tx: Tx, digest: string): Promise<void> {
  const [stored] = await tx
    .select({ payloadCiphertext: oidcModels.payloadCiphertext, expiresAt: oidcModels.expiresAt, consumedAt: oidcModels.consumedAt })
    .from(oidcModels)
    .where(and(eq(oidcModels.name, "DeviceCode"), eq(oidcModels.id, digest)))
    .limit(1);
  const code = stored && open({ name: "DeviceCode", id: digest, ...stored, expiresAtMs: stored.expiresAt?.getTime() ?? null, consumedAtMs: stored.consumedAt?.getTime() ?? null });
  if (!code || code.inFlight || code.accountId || code.error || code.consumed) throw new DeviceCodeClaimed();
}

/**
 * Another approval claimed the device code first: the device page answers as for a code already used
 * (oidc-provider's AlreadyUsedError: the code form again, "not valid or has expired").
 */
export class DeviceCodeClaimed extends Error {
  readonly expose = true;
  readonly status = 200;
  readonly statusCode = 200;
  constructor() {
    super("code has already been used");
    this.name = "AlreadyUsedError";
  }
}

/**
 * A code or refresh token this request consumed was consumed by another request first (a concurrent
 * second use): the request's writes are rolled back, and its grant is revoked as for any reuse.
 */
export class ConsumedMeanwhile extends Error {
  constructor(readonly grantId: string | undefined) {
    super("consumed by a concurrent request");
  }
}

/**
 * An interaction (the person's answer to one authorization request: signed in, Allow on the consent page) is
 * spent when the authorization request resumes from it and gets its code: oidc-provider deletes it then. Two
 * requests resuming from one interaction at once (Allow pressed twice, two tabs) both found it, and on
 * PostgreSQL both got a code for the one request (review 16); one after the other, the second finds it gone and
 * is told the sign-in expired. The resume's delete is held for its unit of work (./request-scope.ts) and must
 * delete the row its request found: nothing deleted means another request spent it first, and this one's
 * writes (its code, grant and activity event) roll back.
 */
export class InteractionSpentMeanwhile extends Error {
  constructor() {
    super("interaction spent by a concurrent request");
  }
}

/** The constructor oidc-provider is given (`adapter` in its configuration). */
export const OidcAdapter = DatabaseAdapter as unknown as new (name: string) => Adapter;

/**
 * How long an expired row is kept before the background job removes it: meanwhile the provider still finds
 * it and answers as for an expired artifact (a device code polled just after it expired gets RFC 8628's
 * expired_token, not invalid_grant "not found"), whenever the job happens to run.
 */
export const EXPIRED_MODEL_GRACE_MS = 60 * 60 * 1000;

/** Removes rows an EXPIRED_MODEL_GRACE_MS past their expiry (a background job; the provider ignores them already). */
export async function deleteExpiredModels(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - EXPIRED_MODEL_GRACE_MS);
  const gone = await writeSystem((tx) => tx.delete(oidcModels).where(lte(oidcModels.expiresAt, before)).returning({ id: oidcModels.id }));
  return gone.length;
}
