/**
 * The activity log's part of a key rotation: its labels are sealed with the
 * encryption key AND covered by the hash chain, whose key derives from the
 * same master key. So each account's events are walked in seq order, their
 * sealed labels re-encrypted and every event re-sealed under the current
 * chain key onto the (new) hash of the one before; events appended meanwhile
 * are re-sealed too when the walk reaches them, and the last batch ends at the
 * head under the write lock, so nothing is appended behind it.
 *
 * Sealed events are append-only (a trigger refuses updates): the batch lifts
 * that trigger inside its own transaction and puts it back before commit, so
 * no other writer ever sees it missing. How far each account got is kept in
 * meta (lib/audit/reseal-cursor.ts), so a rerun after a crash resumes, and the
 * check accepts the one link between re-sealed events and the rest meanwhile.
 */
import "server-only";
import { sql } from "drizzle-orm";
import { decryptField, encryptField, reencryptField } from "@/lib/crypto/aead";
import { addressBlindIndex } from "@/lib/crypto/blind-index";
import { keyRing } from "@/lib/crypto/keys";
import { chainedFields, eventHash, GENESIS_HASH, RAW_EVENT_COLUMNS, rawEventRow, type RawEventRow } from "@/lib/audit/chain";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect, type Tx } from "@/lib/db/database";
import { execute, firstRow, rows } from "@/lib/db/raw";
import { RESEAL_CURSOR_PREFIX, resealCursor, saveResealCursor } from "@/lib/audit/reseal-cursor";

const NO_UPDATE_TRIGGER = "activity_events_no_update";

/** Runs fn with the append-only trigger lifted, within tx only (DDL is transactional in both dialects). */
async function withUpdatesAllowed<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  if (dialect() === "postgres") {
    await execute(tx, sql.raw(`ALTER TABLE activity_events DISABLE TRIGGER ${NO_UPDATE_TRIGGER}`));
    const result = await fn();
    await execute(tx, sql.raw(`ALTER TABLE activity_events ENABLE TRIGGER ${NO_UPDATE_TRIGGER}`));
    return result;
  }
  const trigger = await firstRow<{ sql: string }>(tx, sql`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ${NO_UPDATE_TRIGGER}`);
  if (!trigger) throw new Error(`The trigger ${NO_UPDATE_TRIGGER} is missing: the activity log is not protected (run the migrations)`);
  await execute(tx, sql.raw(`DROP TRIGGER ${NO_UPDATE_TRIGGER}`));
  const result = await fn();
  await execute(tx, sql.raw(trigger.sql));
  return result;
}

/** The hash the event at `seq` must follow: the event before's, or the retention anchor's, or genesis. */
async function prevHashFor(tx: Tx, accountId: string, seq: number): Promise<string> {
  const before = await firstRow<{ hash: string }>(tx, sql`SELECT hash FROM activity_events WHERE account_id = ${accountId} AND seq = ${seq - 1}`);
  if (before) return before.hash;
  const anchor = await firstRow<{ first_seq: number | string; prev_hash: string }>(
    tx,
    sql`SELECT first_seq, prev_hash FROM activity_anchors WHERE account_id = ${accountId}`,
  );
  return anchor && Number(anchor.first_seq) === seq ? anchor.prev_hash : GENESIS_HASH;
}

/** One batch of one account; how many events it re-sealed (0: the account's chain is done). */
async function resealBatch(accountId: string, batchSize: number): Promise<{ resealed: number; reencrypted: number }> {
  return writeSystem(async (tx) => {
    const { seq: after } = await resealCursor(tx, accountId);
    const events = (
      await rows<RawEventRow>(
        tx,
        sql`SELECT ${RAW_EVENT_COLUMNS} FROM activity_events WHERE account_id = ${accountId} AND seq > ${after} ORDER BY seq LIMIT ${batchSize}`,
      )
    ).map(rawEventRow);
    if (events.length === 0) return { resealed: 0, reencrypted: 0 };
    let reencrypted = 0;
    const open = (row: RawEventRow, value: string | null, column: string): string | null => {
      if (value === null) return null;
      const sealed = reencryptField(value, { table: "activity_events", column, rowId: row.id });
      if (sealed === null) return value;
      reencrypted += 1;
      return sealed;
    };
    await withUpdatesAllowed(tx, async () => {
      let prev = await prevHashFor(tx, accountId, events[0].seq);
      for (const row of events) {
        // An event from before review 17 holds its client address and user agent in the clear: sealed now, as the
        // chain is re-sealed anyway (its hash becomes v2, lib/audit/chain.ts).
        const sealLegacy = (value: string | null, column: "ip" | "user_agent") =>
          value === null ? null : encryptField(value, { table: "activity_events", column, rowId: row.id });
        const next: RawEventRow = {
          ...row,
          ip: null,
          user_agent: null,
          actor_label_ciphertext: open(row, row.actor_label_ciphertext, "actor_label"),
          target_label_ciphertext: open(row, row.target_label_ciphertext, "target_label"),
          private_details_ciphertext: open(row, row.private_details_ciphertext, "private_details"),
          ip_ciphertext: row.ip !== null ? sealLegacy(row.ip, "ip") : open(row, row.ip_ciphertext, "ip"),
          user_agent_ciphertext: row.user_agent !== null ? sealLegacy(row.user_agent, "user_agent") : open(row, row.user_agent_ciphertext, "user_agent"),
        };
        // The address's index follows the key, as the users' blind indexes do.
        if (next.ip_ciphertext) next.ip_index = addressBlindIndex(decryptField(next.ip_ciphertext, { table: "activity_events", column: "ip", rowId: row.id }));
        const hash = eventHash(chainedFields(next, prev));
        await execute(
          tx,
          sql`UPDATE activity_events SET actor_label_ciphertext = ${next.actor_label_ciphertext},
                target_label_ciphertext = ${next.target_label_ciphertext},
                private_details_ciphertext = ${next.private_details_ciphertext},
                ip = NULL, user_agent = NULL, ip_ciphertext = ${next.ip_ciphertext}, user_agent_ciphertext = ${next.user_agent_ciphertext}, ip_index = ${next.ip_index},
                prev_hash = ${prev}, hash = ${hash}
              WHERE id = ${row.id}`,
        );
        prev = hash;
      }
    });
    const last = events[events.length - 1];
    await saveResealCursor(tx, accountId, last.seq, last.hash);
    return { resealed: events.length, reencrypted };
  });
}

/** Re-seals every account's chain under the current key; `step` runs after each committed batch (progress, tests' crashes). */
export async function resealActivityChains(batchSize: number, step: () => void): Promise<{ resealed: number; reencrypted: number }> {
  const accounts = await rows<{ account_id: string }>(
    db(),
    sql`SELECT DISTINCT account_id FROM activity_events WHERE seq IS NOT NULL ORDER BY account_id`,
  );
  const total = { resealed: 0, reencrypted: 0 };
  for (const { account_id: accountId } of accounts) {
    for (;;) {
      const batch = await resealBatch(accountId, batchSize);
      if (batch.resealed === 0) break;
      total.resealed += batch.resealed;
      total.reencrypted += batch.reencrypted;
      step();
    }
  }
  return total;
}

/** Forgets the walks' cursors once the rotation completed (a later rotation starts from the beginning anyway). */
export async function clearChainCursors(tx: Tx): Promise<void> {
  await execute(tx, sql`DELETE FROM meta WHERE key LIKE ${`${RESEAL_CURSOR_PREFIX}%`}`);
}
