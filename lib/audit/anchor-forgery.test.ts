/**
 * Review 6: the activity chain's anchor (activity_anchors: first_seq, prev_hash, pruned_count) is plain,
 * unsealed data, and the append-only trigger lets anyone delete the events below it. Someone with write
 * access to the database but not the key moves the anchor past the events they want gone (copying
 * prev_hash from the first event they keep, choosing any pruned_count) and deletes them: verifyChain
 * (Activity → Verify integrity, `npm run verify-events`) still answers ok. chain.ts documents only the
 * newest events as removable unnoticed; the oldest are meant to go only through retention, which records
 * a sealed "activity.pruned" event that nothing compares the anchor with.
 *
 * Now retention's sealed event records the anchor it set, and verifyChain holds the anchor to the newest
 * one. The tampering is done as a writer of the database would, with the engine's own connection
 * (better-sqlite3's writer, or node-postgres's pool): no key, and no trigger dropped unless it says so.
 */
import type BetterSqlite3 from "better-sqlite3";
import { sql } from "drizzle-orm";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { engine } from "@/lib/db/database";
import { execute } from "@/lib/db/raw";
import { createAccount, META } from "@/test/factories";
import { onSqlite } from "@/test/test-database";
import { recordEvent } from "./record";
import { pruneActivity } from "./retention";
import { verifyChain } from "./verify";

const DAY = 86_400_000;

function sqlite(): BetterSqlite3.Database {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("this test tampers with a SQLite file");
  return native.writer;
}

function pool(): pg.Pool {
  const native = engine().native;
  if (native.kind !== "postgres") throw new Error("this test tampers with a PostgreSQL database");
  return native.pool as pg.Pool;
}

/** One statement by hand, with `?` placeholders, on whichever database the tests run on. */
async function byHand<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]> {
  if (onSqlite) {
    const statement = sqlite().prepare(text);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  }
  let n = 0;
  return (await pool().query(text.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
}

/** Deletes the account's events from seq on, as someone who switched the delete trigger off first. */
async function truncateTail(accountId: string, fromSeq: number): Promise<void> {
  if (onSqlite) {
    const trigger = sqlite().prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'activity_events_no_delete'").get() as { sql: string };
    sqlite().exec("DROP TRIGGER activity_events_no_delete");
    try {
      sqlite().prepare("DELETE FROM activity_events WHERE account_id = ? AND seq >= ?").run(accountId, fromSeq);
    } finally {
      sqlite().exec(trigger.sql);
    }
    return;
  }
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    await client.query("ALTER TABLE activity_events DISABLE TRIGGER activity_events_no_delete");
    await client.query("DELETE FROM activity_events WHERE account_id = $1 AND seq >= $2", [accountId, fromSeq]);
    await client.query("ALTER TABLE activity_events ENABLE TRIGGER activity_events_no_delete");
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
}

const record = (accountId: string, action: string, at?: Date) =>
  writeSystem((tx) => recordEvent(tx, { accountId, action, actor: { type: "system", id: null, label: "Test" }, meta: META, at }));

const prevHashOf = async (accountId: string, seq: number) =>
  (await byHand<{ prev_hash: string }>("SELECT prev_hash FROM activity_events WHERE account_id = ? AND seq = ?", accountId, seq))[0].prev_hash;

/** Moves the anchor to seq as a writer of the database can: the first kept event's prev_hash, any count; then deletes below it. */
async function moveAnchor(accountId: string, seq: number, prunedCount: number): Promise<void> {
  const prevHash = await prevHashOf(accountId, seq);
  const [existing] = await byHand("SELECT account_id FROM activity_anchors WHERE account_id = ?", accountId);
  if (existing) {
    await byHand("UPDATE activity_anchors SET first_seq = ?, prev_hash = ?, pruned_count = ? WHERE account_id = ?", seq, prevHash, prunedCount, accountId);
  } else {
    await byHand(
      "INSERT INTO activity_anchors (account_id, first_seq, prev_hash, pruned_count, updated_at) VALUES (?, ?, ?, ?, ?)",
      accountId,
      seq,
      prevHash,
      prunedCount,
      Date.now(),
    );
  }
  await byHand("DELETE FROM activity_events WHERE account_id = ? AND seq < ?", accountId, seq);
}

/** An account with old events, pruned once by retention: events #1–#4 go, #5–#7 and the pruning record (#8) stay. */
async function prunedAccount(now: Date): Promise<string> {
  const accountId = await createAccount();
  for (let i = 0; i < 4; i++) await record(accountId, "test.old", new Date(now.getTime() - (60 - i) * DAY));
  for (let i = 0; i < 3; i++) await record(accountId, "test.recent", new Date(now.getTime() - (3 - i) * DAY));
  await pruneActivity(now, 30);
  const report = await verifyChain(accountId);
  expect(report).toMatchObject({ ok: true, firstSeq: 5, lastSeq: 8, pruned: 4, startVerified: true });
  return accountId;
}

describe("the chain's anchor", () => {
  it("moved by hand, with the events below it deleted, is reported", async () => {
    const accountId = await createAccount();
    for (const action of ["user.role.changed", "token.created", "user.deleted", "test.later", "test.later"]) await record(accountId, action);
    expect((await verifyChain(accountId)).ok).toBe(true);

    // No key, no trigger dropped: only SQL any writer of the database can run.
    await moveAnchor(accountId, 4, 0);
    expect(await byHand("SELECT seq FROM activity_events WHERE account_id = ?", accountId)).toHaveLength(2);

    const report = await verifyChain(accountId);
    expect(report.ok, `verifyChain after three events were removed: ${JSON.stringify(report)}`).toBe(false);
    expect(report).toMatchObject({ checked: 0, broken: { seq: 4, problem: "moved_start" } });
    expect(report.broken!.message).toMatch(/moved outside retention.*no retention run recorded it/);
  });

  it("moved further after a real retention run is reported, whatever count it claims", async () => {
    const now = new Date();
    const accountId = await prunedAccount(now);
    await moveAnchor(accountId, 6, 5);
    const report = await verifyChain(accountId);
    expect(report).toMatchObject({ ok: false, broken: { seq: 6, problem: "moved_start" } });
    expect(report.broken!.message).toMatch(/newest retention record \(event #8\) set it at #5/);
  });

  it("left in place with only its count changed is reported", async () => {
    const accountId = await prunedAccount(new Date());
    await byHand("UPDATE activity_anchors SET pruned_count = 1 WHERE account_id = ?", accountId);
    expect(await verifyChain(accountId)).toMatchObject({ ok: false, broken: { problem: "moved_start" } });
  });

  it("is reported when the newest events, with the retention record among them, are removed too", async () => {
    const accountId = await prunedAccount(new Date());
    // Removing the newest events is the chain's documented limit; here it takes the record the anchor is held to.
    await truncateTail(accountId, 8);
    expect(await verifyChain(accountId)).toMatchObject({ ok: false, broken: { seq: 5, problem: "moved_start" } });
  });

  it("set by retention runs (several batches, then again later) verifies, and new events chain on", async () => {
    const now = new Date();
    const accountId = await createAccount();
    for (let i = 0; i < 7; i++) await record(accountId, "test.old", new Date(now.getTime() - (60 - i) * DAY));
    for (let i = 0; i < 2; i++) await record(accountId, "test.recent", new Date(now.getTime() - (20 - i) * DAY));
    await pruneActivity(now, 30, 3);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, firstSeq: 8, pruned: 7, startVerified: true });
    // Later the recent ones and the first run's records are old too: they go, and a new record holds the new start.
    await pruneActivity(new Date(now.getTime() + 40 * DAY), 30, 3);
    await record(accountId, "test.after", new Date(now.getTime() + 40 * DAY));
    const report = await verifyChain(accountId);
    expect(report).toMatchObject({ ok: true, startVerified: true });
    expect(report.pruned).toBeGreaterThan(7);
  });
});

describe("an instance pruned before retention recorded its anchor", () => {
  /** What retention did before: the anchor moved and the events went, then an "activity.pruned" event without the anchor. */
  async function prunedTheOldWay(): Promise<string> {
    const accountId = await createAccount();
    for (let i = 0; i < 5; i++) await record(accountId, "test.old", new Date(Date.now() - (60 - i) * DAY));
    const prevHash = await prevHashOf(accountId, 3);
    await writeSystem(async (tx) => {
      await execute(
        tx,
        sql`INSERT INTO activity_anchors (account_id, first_seq, prev_hash, pruned_count, updated_at) VALUES (${accountId}, 3, ${prevHash}, 2, ${Date.now()})`,
      );
      await execute(tx, sql`DELETE FROM activity_events WHERE account_id = ${accountId} AND seq < 3`);
      await recordEvent(tx, {
        accountId,
        action: "activity.pruned",
        actor: { type: "system", id: null, label: "Retention" },
        details: { pruned: 2, older_than: new Date(Date.now() - 58 * DAY).toISOString(), retention_days: 30 },
        meta: { ip: null, userAgent: null },
      });
    });
    return accountId;
  }

  it("still verifies, saying the start is not checked, until the next retention run records it", async () => {
    const accountId = await prunedTheOldWay();
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, firstSeq: 3, pruned: 2, startVerified: false });

    await pruneActivity(new Date(), 30);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, pruned: 5, startVerified: true });
  });
});
