/**
 * `npm run rotate-key`: moves every value sealed with a previous encryption
 * key (ENCRYPTION_KEY_PREVIOUS, or DATA_DIR/encryption.key.previous) to the
 * current one, while the servers keep running with both keys:
 *  1. every column in ./encrypted-columns.ts, in batches of rows still under
 *     another key: re-encrypted, and its blind indexes recomputed in the same
 *     UPDATE (the sign-in throttle's rows of known emails and usernames follow);
 *  2. the outbox's sealed mail payloads;
 *  3. the activity log: labels re-encrypted and the chain re-sealed (./chain-reseal.ts), and sessions'
 *     client addresses and user agents an older version wrote in the clear sealed (as the log's are);
 *  4. the search index: dropped and rebuilt by the search backfill, searches
 *     decrypt-and-filter meanwhile (lib/data/search-backfill.ts), so they stay exact;
 *  5. a final count of values under any other key (a replica still writing with
 *     the old key makes it go round again), then the key check value is moved
 *     and every account's activity log records the rotation.
 * Each batch is one unit of work that only touches rows still under another
 * key, so a crash loses nothing and a rerun resumes; it runs under a lease, so
 * two operators (or replicas) can't run it at once. Until step 5 the key check
 * value is under the old key: a server given only the new key refuses to
 * start, instead of finding half its data unreadable.
 */
import "server-only";
import os from "node:os";
import { and, eq, isNotNull, isNull, or, sql } from "drizzle-orm";
import { decryptField, encryptField, reencryptField, storedKeyId } from "@/lib/crypto/aead";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { keyRing } from "@/lib/crypto/keys";
import { recordEvent } from "@/lib/audit/record";
import { acquireLease } from "@/lib/data/lease";
import { runSearchBackfill } from "@/lib/data/search-backfill";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { execute, firstRow, rows } from "@/lib/db/raw";
import { accounts, meta, outbox, sessions } from "@/lib/db/schema";
import { sealSessionClient } from "@/lib/sessions/client-fields";
import { clearChainCursors, resealActivityChains } from "./chain-reseal";
import { ENCRYPTED_COLUMNS, ENCRYPTED_JSON_FIELDS, KEY_CHECK_VALUE, type EncryptedColumn } from "./encrypted-columns";
import { counted } from "./counted";

export const ROTATION_LEASE = { name: "key-rotation", ttlMs: 60_000 };
/**
 * The lease's holder: the command on this machine, not this process, so a
 * rerun right after a crash (kill -9) here takes over at once, while a run on
 * another machine (a replica) is refused until the lease expires.
 */
const HOLDER = `rotate-key@${os.hostname()}`;
const COMMAND = "npm run rotate-key";
const SEARCH_RESET_KEY = "key_rotation.search_reset";
const DEFAULT_BATCH = 200;

export class RotationBusyError extends Error {}

export type RotationOptions = {
  batchSize?: number;
  /** Progress lines for the operator. */
  log?: (line: string) => void;
  /** Tests: throw after this many committed batches, as a kill -9 would stop it. */
  crashAfterBatches?: number;
};

export type RotationReport = {
  toKeyId: string;
  fromKeyIds: string[];
  reencrypted: Record<string, number>;
  eventsResealed: number;
  searchEntriesIndexed: number;
  accounts: number;
};

const ident = (name: string) => sql.raw(`"${name}"`);

/** Rows of the column still sealed under another key than the current one. */
function underOtherKey(column: string) {
  const prefix = `${keyRing().keyId}.`;
  return sql`${ident(column)} IS NOT NULL AND substr(${ident(column)}, 1, ${sql.raw(String(prefix.length))}) <> ${prefix}`;
}

/** How many values of each registered column are still under another key (the rotation is done at all zeros). */
export async function valuesUnderOtherKeys(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const col of ENCRYPTED_COLUMNS) {
    const row = await firstRow<{ n: number | string }>(
      db(),
      sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM ${ident(col.table)} WHERE ${underOtherKey(col.column)}`,
    );
    out[`${col.table}.${col.column}`] = Number(row?.n ?? 0);
  }
  let mail = 0;
  for (const payload of await mailPayloads()) {
    for (const f of ENCRYPTED_JSON_FIELDS.fields) if (typeof payload.value[f.field] === "string" && storedKeyId(payload.value[f.field] as string) !== keyRing().keyId) mail += 1;
  }
  out[`${ENCRYPTED_JSON_FIELDS.table}.${ENCRYPTED_JSON_FIELDS.column}`] = mail;
  const check = await db().select({ value: meta.value }).from(meta).where(eq(meta.key, KEY_CHECK_VALUE.key)).limit(1);
  out[`${KEY_CHECK_VALUE.table}.${KEY_CHECK_VALUE.key}`] = check[0] && storedKeyId(check[0].value) !== keyRing().keyId ? 1 : 0;
  return out;
}

/** Sessions written by a version from before review 17 (a replica still running after the upgrade, or one started again on upgraded data). */
const clientInTheClear = or(isNotNull(sessions.ip), isNotNull(sessions.userAgent));

/**
 * What a rotation to the current key would still do, by what it would touch: values under another key (the key
 * check's among them, moved last, so a rotation cut short still shows here), and activity events recorded before
 * review 17 with their client address or user agent in the clear, and sessions so (a rotation seals them). Empty when a rotation to
 * the current key completed, or nothing was ever under another key: a rerun with the previous key still given has
 * nothing to do.
 */
export async function rotationWorkLeft(): Promise<Array<[string, number]>> {
  const left = Object.entries(await valuesUnderOtherKeys());
  const clear = await firstRow<{ n: number | string }>(
    db(),
    sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM activity_events WHERE ip IS NOT NULL OR user_agent IS NOT NULL`,
  );
  left.push(["activity_events.ip and user_agent in the clear", Number(clear?.n ?? 0)]);
  const sessionsInTheClear = await db().$count(sessions, clientInTheClear);
  left.push(["sessions.ip and user_agent in the clear", sessionsInTheClear]);
  return left.filter(([, n]) => n > 0);
}

/** One batch of such sessions: their address and user agent sealed, the plaintext forgotten; returns how many. */
async function sealSessionsInTheClear(limit: number): Promise<number> {
  return writeSystem(async (tx) => {
    const found = await tx.select({ id: sessions.id, ip: sessions.ip, userAgent: sessions.userAgent }).from(sessions).where(clientInTheClear).limit(limit);
    for (const row of found) {
      // Compare-and-set, as the columns' batches: a row an older replica changed since the read is sealed by the next batch.
      const unchanged = and(
        eq(sessions.id, row.id),
        row.ip === null ? isNull(sessions.ip) : eq(sessions.ip, row.ip),
        row.userAgent === null ? isNull(sessions.userAgent) : eq(sessions.userAgent, row.userAgent),
      );
      await tx.update(sessions).set({ ip: null, userAgent: null, ...sealSessionClient(row.id, row) }).where(unchanged);
    }
    return found.length;
  });
}

/** Moves the sign-in throttle's rows of an identifier from its old index to its new one. */
async function carryThrottleRows(tx: Tx, oldIndex: string, newIndex: string): Promise<void> {
  await execute(
    tx,
    sql`UPDATE sign_in_lockouts SET email_index = ${newIndex} WHERE email_index = ${oldIndex}
        AND NOT EXISTS (SELECT 1 FROM sign_in_lockouts l2 WHERE l2.account_id = sign_in_lockouts.account_id AND l2.email_index = ${newIndex})`,
  );
  await execute(tx, sql`DELETE FROM sign_in_lockouts WHERE email_index = ${oldIndex}`);
  await execute(tx, sql`UPDATE sign_in_backoffs SET email_index = ${newIndex} WHERE email_index = ${oldIndex}`);
}

/** One batch of one column: re-encrypts up to `limit` values still under another key; returns how many. */
async function rotateColumnBatch(col: EncryptedColumn, limit: number): Promise<number> {
  return writeSystem(async (tx) => {
    const extra = (col.extraColumns ?? []).map((c) => sql`, ${ident(c)}`);
    const idColumns = typeof col.rowIdColumn === "string" ? [col.rowIdColumn] : [...col.rowIdColumn];
    const idAs = idColumns.map((c, i) => sql`${ident(c)} AS ${ident(`row_id_${i}`)}`);
    const found = await rows<Record<string, unknown> & { value: string }>(
      tx,
      sql`SELECT ${sql.join(idAs, sql`, `)}, ${ident(col.column)} AS value${sql.join(extra, sql``)}
          FROM ${ident(col.table)} WHERE ${underOtherKey(col.column)} ORDER BY ${sql.join(idColumns.map(ident), sql`, `)} LIMIT ${limit}`,
    );
    for (const row of found) {
      const ids = idColumns.map((_, i) => String(row[`row_id_${i}`]));
      const context = { table: col.aad.table, column: col.aad.column, rowId: ids.join(":") };
      const plain = decryptField(row.value, context);
      const sets = [sql`${ident(col.column)} = ${encryptField(plain, context)}`];
      if (col.indexes) {
        for (const index of col.indexes) {
          const fresh = index.compute(plain, row);
          sets.push(sql`${ident(index.column)} = ${fresh}`);
          if (index.signInIdentifier) {
            // The throttle knows identifiers by their index only: carry the rows of this one from every previous key's index.
            for (const previous of keyRing().previous) await carryThrottleRows(tx, emailBlindIndex(plain, previous), fresh);
          }
        }
      }
      // Compare-and-set: a value the server changed since the read is its own, already under the current key.
      await execute(
        tx,
        sql`UPDATE ${ident(col.table)} SET ${sql.join(sets, sql`, `)} WHERE ${sql.join(idColumns.map((c, i) => sql`${ident(c)} = ${ids[i]}`), sql` AND `)} AND ${ident(col.column)} = ${row.value}`,
      );
    }
    return found.length;
  });
}

type MailPayloadRow = { id: string; value: Record<string, unknown> };

async function mailPayloads(q: Tx | ReturnType<typeof db> = db()): Promise<MailPayloadRow[]> {
  const found = await q.select({ id: outbox.id, payload: outbox.payload }).from(outbox).where(eq(outbox.topic, ENCRYPTED_JSON_FIELDS.topic));
  return found
    .filter((r) => r.payload !== null && typeof r.payload === "object")
    .map((r) => ({ id: r.id, value: r.payload as Record<string, unknown> }));
}

/** The outbox's queued and kept mail: each payload's sealed fields moved to the current key (small: one pass). */
async function rotateMailPayloads(): Promise<number> {
  return writeSystem(async (tx) => {
    let changed = 0;
    for (const row of await mailPayloads(tx)) {
      const rowId = String(row.value[ENCRYPTED_JSON_FIELDS.rowIdField]);
      const next = { ...row.value };
      let touched = false;
      for (const f of ENCRYPTED_JSON_FIELDS.fields) {
        const value = row.value[f.field];
        if (typeof value !== "string") continue;
        const sealed = reencryptField(value, { ...f.aad, rowId });
        if (sealed !== null) {
          next[f.field] = sealed;
          touched = true;
          changed += 1;
        }
      }
      if (touched) await tx.update(outbox).set({ payload: next }).where(eq(outbox.id, row.id));
    }
    return changed;
  });
}

/** Drops the search index's terms (made with the old key) once per target key and marks every scope for the backfill to rebuild. */
async function resetSearchIndex(): Promise<void> {
  await writeSystem(async (tx) => {
    const [done] = await tx.select({ value: meta.value }).from(meta).where(eq(meta.key, SEARCH_RESET_KEY)).limit(1);
    if (done?.value === keyRing().keyId) return;
    await execute(tx, sql`UPDATE search_scopes SET backfill_cursor = ''`);
    await execute(tx, sql`DELETE FROM search_terms`);
    await execute(tx, sql`DELETE FROM search_recent_terms`);
    const value = keyRing().keyId;
    await tx.insert(meta).values({ key: SEARCH_RESET_KEY, value }).onConflictDoUpdate({ target: meta.key, set: { value } });
  });
}

/** The last step, in one unit of work: the key check value under the current key, and the rotation in every account's log. */
async function completeRotation(report: RotationReport): Promise<number> {
  return writeSystem(async (tx) => {
    const context = { table: KEY_CHECK_VALUE.table, column: KEY_CHECK_VALUE.column, rowId: KEY_CHECK_VALUE.key };
    const [check] = await tx.select({ value: meta.value }).from(meta).where(eq(meta.key, KEY_CHECK_VALUE.key)).limit(1);
    const sealed = check ? reencryptField(check.value, context) : null;
    if (sealed) await tx.update(meta).set({ value: sealed }).where(and(eq(meta.key, KEY_CHECK_VALUE.key), eq(meta.value, check!.value)));
    await clearChainCursors(tx);
    await execute(tx, sql`DELETE FROM meta WHERE key = ${SEARCH_RESET_KEY}`);
    const all = await tx.select({ id: accounts.id }).from(accounts);
    const total = Object.values(report.reencrypted).reduce((a, b) => a + b, 0);
    for (const { id } of all) {
      await recordEvent(tx, {
        accountId: id,
        action: "encryption_key.rotated",
        actor: { type: "system", id: null, label: COMMAND },
        details: {
          to_key_id: report.toKeyId,
          from_key_ids: report.fromKeyIds,
          values_reencrypted: total,
          events_resealed: report.eventsResealed,
        },
        meta: { ip: null, userAgent: COMMAND },
      });
    }
    return all.length;
  });
}

/** Runs the whole rotation (see the header); throws RotationBusyError when another run holds the lease. */
export async function rotateEncryptionKey(options: RotationOptions = {}): Promise<RotationReport> {
  const log = options.log ?? (() => undefined);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const ring = keyRing();
  if (!(await acquireLease(ROTATION_LEASE.name, ROTATION_LEASE.ttlMs, { holder: HOLDER }))) {
    throw new RotationBusyError("rotate-key is running on another machine (it holds the key-rotation lease). If it crashed there, run again in a minute.");
  }
  const renewal = setInterval(
    () => void acquireLease(ROTATION_LEASE.name, ROTATION_LEASE.ttlMs, { holder: HOLDER }).catch(() => undefined),
    ROTATION_LEASE.ttlMs / 3,
  );
  renewal.unref();
  let batches = 0;
  const step = () => {
    batches += 1;
    if (options.crashAfterBatches !== undefined && batches >= options.crashAfterBatches) throw new Error(`simulated crash after ${batches} batches`);
  };
  const report: RotationReport = {
    toKeyId: ring.keyId,
    fromKeyIds: ring.previous.map((k) => k.keyId),
    reencrypted: {},
    eventsResealed: 0,
    searchEntriesIndexed: 0,
    accounts: 0,
  };
  try {
    for (let pass = 1; ; pass++) {
      for (const col of ENCRYPTED_COLUMNS.filter((c) => !c.chained)) {
        const name = `${col.table}.${col.column}`;
        for (;;) {
          const n = await rotateColumnBatch(col, batchSize);
          if (n === 0) break;
          report.reencrypted[name] = (report.reencrypted[name] ?? 0) + n;
          step();
        }
        if (report.reencrypted[name]) log(`  ${name}: ${report.reencrypted[name]} re-encrypted`);
      }
      const mail = await rotateMailPayloads();
      if (mail > 0) report.reencrypted["outbox.payload"] = (report.reencrypted["outbox.payload"] ?? 0) + mail;
      step();
      const chain = await resealActivityChains(batchSize, step);
      report.eventsResealed += chain.resealed;
      if (chain.reencrypted > 0) report.reencrypted["activity_events"] = (report.reencrypted["activity_events"] ?? 0) + chain.reencrypted;
      log(`  activity log: ${chain.resealed} events re-sealed (${chain.reencrypted} labels re-encrypted)`);
      let sealedSessions = 0;
      for (let n = await sealSessionsInTheClear(batchSize); n > 0; n = await sealSessionsInTheClear(batchSize)) {
        sealedSessions += n;
        step();
      }
      if (sealedSessions > 0) {
        report.reencrypted["sessions (address in the clear)"] = (report.reencrypted["sessions (address in the clear)"] ?? 0) + sealedSessions;
        log(`  sessions: ${sealedSessions} client addresses and user agents in the clear sealed`);
      }
      const left = Object.entries(await valuesUnderOtherKeys()).filter(([name, n]) => n > 0 && name !== "meta.encryption_key_check");
      if (left.length === 0) break;
      // A replica still writing with the old key: go round again, a few times, then say so.
      if (pass >= 3) throw new Error(`Values are still written under another key (${left.map(([k, n]) => `${k}: ${n}`).join(", ")}): is every replica started with ENCRYPTION_KEY set to the new key?`);
      log(`  ${counted(left.length, "column")} got values under the old key meanwhile; another pass`);
    }
    await resetSearchIndex();
    step();
    report.searchEntriesIndexed = await runSearchBackfill({ batchSize });
    log(`  search index: ${report.searchEntriesIndexed} entries re-indexed`);
    report.accounts = await completeRotation(report);
    return report;
  } finally {
    clearInterval(renewal);
  }
}
