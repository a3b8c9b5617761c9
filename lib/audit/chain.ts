/**
 * The activity log's hash chain. Each event's `hash` is an HMAC-SHA-256, under
 * a key derived from the master key, over the event's stored content and the
 * previous event's hash (`prev_hash`); events of an account are chained in
 * `seq` order. Changing, inserting or removing a row in the middle breaks the
 * chain at that row, and without the key nobody can re-seal a rewritten row.
 *
 * Limits, on purpose: removing the newest events leaves a shorter chain that
 * still verifies (there is nothing after them to disagree), and someone with
 * the encryption key can rewrite the whole chain. An operator who needs more
 * exports the head hash (GET /api/events returns each event's hash) elsewhere.
 */
import "server-only";
import crypto from "node:crypto";
import type Database from "better-sqlite3";
import { keyRing } from "@/lib/crypto/keys";
import { sqliteHandle } from "@/lib/db/client";
import type { Tx } from "@/lib/db/database";

const SEALED_FLAG = "activity_chain_sealed";

/** The prev_hash of an account's very first event. */
export const GENESIS_HASH = "0".repeat(64);

/** The stored columns a hash covers, exactly as they are in the database. */
export type ChainedFields = {
  id: string;
  accountId: string;
  seq: number;
  occurredAtMs: number;
  action: string;
  actorType: string;
  actorId: string | null;
  actorLabelCiphertext: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabelCiphertext: string | null;
  /** The details column's JSON text. */
  detailsJson: string | null;
  privateDetailsCiphertext: string | null;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
};

export function eventHash(fields: ChainedFields, key: Buffer = keyRing().activityChainKey): string {
  // A JSON array keeps field boundaries unambiguous ("a","bc" never hashes like "ab","c").
  const canonical = JSON.stringify([
    "latchkey-event-v1",
    fields.id,
    fields.accountId,
    fields.seq,
    fields.occurredAtMs,
    fields.action,
    fields.actorType,
    fields.actorId,
    fields.actorLabelCiphertext,
    fields.targetType,
    fields.targetId,
    fields.targetLabelCiphertext,
    fields.detailsJson,
    fields.privateDetailsCiphertext,
    fields.ip,
    fields.userAgent,
    fields.prevHash,
  ]);
  return crypto.createHmac("sha256", key).update(canonical, "utf8").digest("hex");
}

export type ChainHead = { seq: number; hash: string; occurredAtMs: number };

/**
 * Where the next event of the account attaches: after its newest event, or
 * after the retention anchor when everything older was pruned, or at genesis.
 * Called inside the write transaction that inserts, so two writers can't fork it.
 */
export function chainHead(tx: Tx, accountId: string): ChainHead {
  void tx; // the caller's transaction is the connection's; prepared statements run inside it
  const { last, anchor } = headStatements();
  const row = last.get(accountId) as { seq: number | null; hash: string | null; occurredAt: number } | undefined;
  if (row?.seq != null && row.hash) return { seq: row.seq, hash: row.hash, occurredAtMs: row.occurredAt };
  const a = anchor.get(accountId) as { firstSeq: number; prevHash: string } | undefined;
  if (a) return { seq: a.firstSeq - 1, hash: a.prevHash, occurredAtMs: 0 };
  return { seq: 0, hash: GENESIS_HASH, occurredAtMs: 0 };
}

type HeadStatements = { db: Database.Database; last: Database.Statement; anchor: Database.Statement };
let head: HeadStatements | undefined;

/** Prepared once per connection: recording an event is on every sign-in's path, so no query building per call. */
function headStatements(): HeadStatements {
  const db = sqliteHandle();
  if (head?.db !== db) {
    head = {
      db,
      last: db.prepare(
        "SELECT seq, hash, occurred_at AS occurredAt FROM activity_events WHERE account_id = ? ORDER BY seq DESC LIMIT 1",
      ),
      anchor: db.prepare("SELECT first_seq AS firstSeq, prev_hash AS prevHash FROM activity_anchors WHERE account_id = ?"),
    };
  }
  return head;
}

/**
 * Seals events recorded before the chain existed (the migration gave them a
 * seq; the key needed for the hash is only here). Runs at start-up; a no-op
 * once every row is sealed.
 */
export function sealUnchainedEvents(): number {
  const sqlite = sqliteHandle();
  // Rows written since the chain existed are sealed on insert (a trigger insists), so one pass ever is enough.
  if (sqlite.prepare("SELECT 1 FROM meta WHERE key = ?").get(SEALED_FLAG)) return 0;
  const rows = sqlite.prepare("SELECT * FROM activity_events WHERE hash IS NULL ORDER BY account_id, seq").all() as RawEventRow[];
  const previous = sqlite.prepare("SELECT hash FROM activity_events WHERE account_id = ? AND seq = ?").pluck();
  const seal = sqlite.prepare("UPDATE activity_events SET prev_hash = ?, hash = ? WHERE id = ?");
  sqlite.transaction(() => {
    for (const row of rows) {
      const prevHash = (previous.get(row.account_id, row.seq - 1) as string | null | undefined) ?? GENESIS_HASH;
      seal.run(prevHash, eventHash(chainedFields(row, prevHash)), row.id);
    }
    sqlite.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '1')").run(SEALED_FLAG);
  }).immediate();
  return rows.length;
}

/** An activity_events row exactly as SQLite returns it. */
export type RawEventRow = {
  id: string;
  account_id: string;
  seq: number;
  occurred_at: number;
  action: string;
  actor_type: string;
  actor_id: string | null;
  actor_label_ciphertext: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label_ciphertext: string | null;
  details: string | null;
  private_details_ciphertext: string | null;
  ip: string | null;
  user_agent: string | null;
  prev_hash: string | null;
  hash: string | null;
};

export function chainedFields(row: RawEventRow, prevHash: string): ChainedFields {
  return {
    id: row.id,
    accountId: row.account_id,
    seq: row.seq,
    occurredAtMs: row.occurred_at,
    action: row.action,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorLabelCiphertext: row.actor_label_ciphertext,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabelCiphertext: row.target_label_ciphertext,
    detailsJson: row.details,
    privateDetailsCiphertext: row.private_details_ciphertext,
    ip: row.ip,
    userAgent: row.user_agent,
    prevHash,
  };
}
