/**
 * Review 6: the activity chain's anchor (activity_anchors: first_seq, prev_hash, pruned_count) is plain,
 * unsealed data, and the append-only trigger lets anyone delete the events below it. Someone with write
 * access to the database but not the key moves the anchor past the events they want gone (copying
 * prev_hash from the first event they keep, choosing any pruned_count) and deletes them: verifyChain
 * (Activity → Verify integrity, `npm run verify-events`) still answers ok. chain.ts documents only the
 * newest events as removable unnoticed; the oldest are meant to go only through retention, which records
 * a sealed "activity.pruned" event that nothing compares the anchor with.
 */
import type BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { engine } from "@/lib/db/database";
import { createAccount, META } from "@/test/factories";
import { onSqlite } from "@/test/test-database";
import { recordEvent } from "./record";
import { verifyChain } from "./verify";

function sqlite(): BetterSqlite3.Database {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("this test tampers with a SQLite file");
  return native.writer;
}

const record = (accountId: string, action: string) =>
  writeSystem((tx) => recordEvent(tx, { accountId, action, actor: { type: "system", id: null, label: "Test" }, meta: META }));

describe("the chain's anchor", () => {
  it.runIf(onSqlite)("moved by hand, with the events below it deleted, is reported", async () => {
    const accountId = await createAccount();
    for (const action of ["user.role.changed", "token.created", "user.deleted", "test.later", "test.later"]) await record(accountId, action);
    expect((await verifyChain(accountId)).ok).toBe(true);

    // No key, no trigger dropped: only SQL any writer of the file can run.
    const { prev_hash } = sqlite().prepare("SELECT prev_hash FROM activity_events WHERE account_id = ? AND seq = 4").get(accountId) as { prev_hash: string };
    sqlite()
      .prepare("INSERT INTO activity_anchors (account_id, first_seq, prev_hash, pruned_count, updated_at) VALUES (?, 4, ?, 0, ?)")
      .run(accountId, prev_hash, Date.now());
    sqlite().prepare("DELETE FROM activity_events WHERE account_id = ? AND seq < 4").run(accountId);

    const report = await verifyChain(accountId);
    expect(report.ok, `verifyChain after three events were removed: ${JSON.stringify(report)}`).toBe(false);
  });
});
