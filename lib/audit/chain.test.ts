import type BetterSqlite3 from "better-sqlite3";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, engine } from "@/lib/db/database";
import { activityAnchors, activityEvents, users } from "@/lib/db/schema";
import { updateUser } from "@/lib/users/lifecycle";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { onSqlite } from "@/test/test-database";
import { GENESIS_HASH } from "./chain";
import { recordEvent } from "./record";
import { pruneActivity } from "./retention";
import { verifyChain } from "./verify";

const DAY = 86_400_000;

async function record(accountId: string, action: string, at?: Date, details?: Record<string, unknown>) {
  await writeSystem((tx) =>
    recordEvent(tx, { accountId, action, actor: { type: "system", id: null, label: "Test" }, details, meta: META, at }),
  );
}

const eventsOf = (accountId: string) =>
  db().select().from(activityEvents).where(eq(activityEvents.accountId, accountId)).orderBy(activityEvents.seq);

/**
 * The SQLite file as someone with shell access sees it: the engine's writing
 * connection, used directly (these tests are about SQLite's triggers and a
 * tampered file; nothing else writes meanwhile).
 */
function sqlite(): BetterSqlite3.Database {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("these tests tamper with a SQLite file");
  return native.writer;
}

/** Runs raw SQL as someone with the database file would, with the append-only triggers out of the way. */
function tamper(sql: string, ...params: unknown[]) {
  const triggers = sqlite()
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activity_events'")
    .all() as { name: string; sql: string }[];
  for (const t of triggers) sqlite().exec(`DROP TRIGGER ${t.name}`);
  try {
    sqlite().prepare(sql).run(...params);
  } finally {
    for (const t of triggers) sqlite().exec(t.sql);
  }
}

describe("a change and its event", () => {
  let owner: SessionActor;
  let bobId: string;

  beforeAll(async () => {
    const accountId = await createAccount();
    owner = await startSession(await createUser(accountId, { role: "owner", name: "Olive Owner" }));
    bobId = (await createUser(accountId, { role: "user", name: "Bob Builder" })).id;
  });

  const bobEvents = () => db().select().from(activityEvents).where(eq(activityEvents.targetId, bobId));
  // A failure from the service, whether it throws at once or rejects.
  const attempt = async (change: () => unknown) => change();

  it("commit together", async () => {
    await updateUser(owner, bobId, { name: "Bob B.", role: "user", auto_groups: [], is_blocked: false }, META);
    expect((await userRow(bobId))!.nameCiphertext).toBeTruthy();
    expect((await bobEvents()).map((e) => e.action)).toEqual(["user.updated"]);
  });

  // The triggers are in the main schema (not TEMP, which only one connection sees), so they stop whichever connection writes.
  it.runIf(onSqlite)("SQLite triggers: roll back together when the event can't be written", async () => {
    sqlite().exec("CREATE TRIGGER refuse_events BEFORE INSERT ON activity_events BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const before = (await userRow(bobId))!;
    try {
      await expect(
        attempt(() => updateUser(owner, bobId, { name: "Robert", role: "admin", auto_groups: [], is_blocked: true }, META)),
      ).rejects.toThrow(/disk full/);
    } finally {
      sqlite().exec("DROP TRIGGER refuse_events");
    }
    expect(await userRow(bobId)).toEqual(before);
    expect(await bobEvents()).toHaveLength(1);
  });

  it.runIf(onSqlite)("SQLite triggers: roll back together when the change fails after its event was written", async () => {
    // Transferring ownership renames Bob and records user.updated, then demotes the owner: make that last step fail.
    sqlite().exec(
      "CREATE TRIGGER refuse_demotion BEFORE UPDATE OF role ON users WHEN OLD.role = 'owner' BEGIN SELECT RAISE(ABORT, 'no'); END",
    );
    const before = (await userRow(bobId))!;
    try {
      await expect(
        attempt(() => updateUser(owner, bobId, { name: "Robert", role: "owner", auto_groups: [], is_blocked: false }, META)),
      ).rejects.toThrow(/no/);
    } finally {
      sqlite().exec("DROP TRIGGER refuse_demotion");
    }
    expect(await userRow(bobId)).toEqual(before);
    expect(await bobEvents()).toHaveLength(1);
    const [ownerRow] = await db().select().from(users).where(eq(users.id, owner.userId));
    expect(ownerRow.role).toBe("owner");
  });
});

describe("the hash chain", () => {
  let accountId: string;

  beforeAll(async () => {
    accountId = await createAccount();
    for (let i = 1; i <= 6; i++) await record(accountId, "test.event", undefined, { n: i, nested: { list: [i, "x"] } });
  });

  it("numbers events 1, 2, 3… and links each to the one before", async () => {
    const events = await eventsOf(accountId);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, checked: 6, firstSeq: 1, lastSeq: 6, broken: null });
  });

  it("never lets time run backwards, so seq order is time order", async () => {
    await record(accountId, "test.late", new Date(Date.now() - 10 * DAY));
    const events = await eventsOf(accountId);
    const times = events.map((e) => e.occurredAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it.runIf(onSqlite)("SQLite file: refuses updates and deletes from the application (database triggers)", async () => {
    expect(() => sqlite().prepare("UPDATE activity_events SET action = 'x' WHERE account_id = ?").run(accountId)).toThrow(/append-only/);
    expect(() => sqlite().prepare("DELETE FROM activity_events WHERE account_id = ?").run(accountId)).toThrow(/append-only/);
    expect(() =>
      sqlite()
        .prepare("INSERT INTO activity_events (id, account_id, occurred_at, action, actor_type) VALUES ('x', ?, 0, 'forged', 'system')")
        .run(accountId),
    ).toThrow(/hash chain/);
    expect(await eventsOf(accountId)).toHaveLength(7);
  });

  it.runIf(onSqlite)("SQLite file: reports the first broken link at the row that was altered", async () => {
    const other = await createAccount();
    for (let i = 1; i <= 5; i++) await record(other, "test.event", undefined, { n: i });
    tamper("UPDATE activity_events SET details = '{\"n\":99}' WHERE account_id = ? AND seq = 3", other);

    const report = await verifyChain(other);
    expect(report).toMatchObject({ ok: false, checked: 2, broken: { seq: 3, problem: "altered" } });
    expect(report.broken!.message).toMatch(/#3/);
    // The chain of another account is unaffected.
    expect((await verifyChain(accountId)).ok).toBe(true);
  });

  it.runIf(onSqlite)("SQLite file: reports a re-sealed row (hash copied along) as not chaining to the next", async () => {
    const other = await createAccount();
    for (let i = 1; i <= 4; i++) await record(other, "test.event", undefined, { n: i });
    const row2 = (await eventsOf(other))[1];
    // Replace row 2's hash with a made-up one: row 2 no longer matches, whatever else is done.
    tamper("UPDATE activity_events SET hash = ? WHERE id = ?", "f".repeat(64), row2.id);
    expect(await verifyChain(other)).toMatchObject({ ok: false, broken: { seq: 2, problem: "altered" } });
  });

  it.runIf(onSqlite)("SQLite file: reports deleted rows in the middle as missing", async () => {
    const other = await createAccount();
    for (let i = 1; i <= 5; i++) await record(other, "test.event");
    tamper("DELETE FROM activity_events WHERE account_id = ? AND seq = 4", other);
    expect(await verifyChain(other)).toMatchObject({ ok: false, checked: 3, broken: { seq: 5, problem: "missing" } });
  });
});

describe("retention", () => {
  it("prunes only events older than the window, keeps the chain verifiable, and records the pruning", async () => {
    const accountId = await createAccount();
    const now = new Date();
    for (let i = 0; i < 7; i++) await record(accountId, "test.old", new Date(now.getTime() - (40 - i) * DAY));
    for (let i = 0; i < 3; i++) await record(accountId, "test.recent", new Date(now.getTime() - (5 - i) * DAY));

    expect(await pruneActivity(now, null)).toEqual([]);
    expect(await eventsOf(accountId)).toHaveLength(10);

    const result = await pruneActivity(now, 30, 3); // small batches: the anchor moves several times
    expect(result.find((r) => r.accountId === accountId)).toEqual({ accountId, pruned: 7 });
    const kept = await eventsOf(accountId);
    // Each batch records itself, with the anchor it set, in its own transaction (lib/audit/anchor-forgery.test.ts: why).
    expect(kept.map((e) => e.action)).toEqual(["test.recent", "test.recent", "test.recent", "activity.pruned", "activity.pruned", "activity.pruned"]);
    expect(kept[0].seq).toBe(8);
    expect(kept.slice(3).map((e) => e.details?.pruned)).toEqual([3, 3, 1]);
    expect(kept.at(-1)!.details).toMatchObject({ pruned: 1, retention_days: 30, anchor: { first_seq: 8, prev_hash: kept[0].prevHash, pruned_count: 7 } });
    const [anchor] = await db().select().from(activityAnchors).where(eq(activityAnchors.accountId, accountId));
    expect(anchor).toMatchObject({ firstSeq: 8, prevHash: kept[0].prevHash, prunedCount: 7 });

    const report = await verifyChain(accountId);
    expect(report).toMatchObject({ ok: true, checked: 6, firstSeq: 8, pruned: 7, startVerified: true });

    // New events chain on; deleting a kept event is still refused.
    await record(accountId, "test.after");
    expect((await verifyChain(accountId)).ok).toBe(true);
    // PostgreSQL's append-only triggers: lib/db/postgres.test.ts.
    if (onSqlite) expect(() => sqlite().prepare("DELETE FROM activity_events WHERE account_id = ? AND seq = 8").run(accountId)).toThrow(/append-only/);
  });

  it("chains on from the anchor when every event was pruned", async () => {
    const accountId = await createAccount();
    const now = new Date();
    await record(accountId, "test.old", new Date(now.getTime() - 50 * DAY));
    await record(accountId, "test.old", new Date(now.getTime() - 49 * DAY));
    await pruneActivity(new Date(now.getTime() - 10 * DAY), 30);
    // Everything is gone but the pruning record itself; prune again later to remove that too.
    await pruneActivity(new Date(now.getTime() + 40 * DAY), 30);
    await record(accountId, "test.new", new Date(now.getTime() + 40 * DAY));
    const report = await verifyChain(accountId);
    expect(report.ok).toBe(true);
    expect(report.pruned).toBeGreaterThanOrEqual(3);
  });
});

describe("events from before the chain", () => {
  it.runIf(onSqlite)("SQLite file: are sealed into it once, at start-up, and then verify", async () => {
    const { sealUnchainedEvents } = await import("./chain");
    const accountId = await createAccount();
    // Rows as the old schema wrote them: a seq from the migration, no hashes.
    tamper(
      `INSERT INTO activity_events (id, account_id, seq, occurred_at, action, actor_type, details)
       VALUES ('legacy-1', ?, 1, 1000, 'user.login', 'user', '{"a":1}'), ('legacy-2', ?, 2, 2000, 'user.logout', 'user', NULL)`,
      accountId,
      accountId,
    );
    expect(await verifyChain(accountId)).toMatchObject({ ok: false, broken: { seq: 1, problem: "unsealed" } });
    sqlite().prepare("DELETE FROM meta WHERE key = 'activity_chain_sealed'").run();

    expect(await sealUnchainedEvents()).toBeGreaterThanOrEqual(2);
    expect(await sealUnchainedEvents()).toBe(0);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, checked: 2 });
    await record(accountId, "test.after");
    expect(await verifyChain(accountId)).toMatchObject({ ok: true, checked: 3 });
  });
});
