import crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { encryptField } from "@/lib/crypto/aead";
import { entityIdsMatching, planSearchBackfill, runSearchBackfill } from "@/lib/data/search-backfill";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";
import { newAccount } from "@/test/search-fixtures";
import { indexEventParties, PARTIES_SCOPE } from "./party-search";
import { recordEvent } from "./record";
import { pruneActivity } from "./retention";

type Party = { id: string; label: string };

/** An event row as the recorder writes its labels (sealed, bound to the row); the chain is not what this tests. */
async function event(accountId: string, seq: number, actor: Party, target?: Party, options: { index?: boolean } = {}) {
  const id = crypto.randomUUID();
  const seal = (column: string, label: string) => encryptField(label, { table: "activity_events", column, rowId: id });
  await writeSystem(async (tx) => {
    await tx.insert(activityEvents).values({
      id,
      accountId,
      seq,
      occurredAt: new Date(),
      action: "user.updated",
      actorType: "user",
      actorId: actor.id,
      actorLabelCiphertext: seal("actor_label", actor.label),
      targetType: target ? "user" : null,
      targetId: target?.id ?? null,
      targetLabelCiphertext: target ? seal("target_label", target.label) : null,
      prevHash: "not-chained-in-this-test",
      hash: "not-chained-in-this-test",
    });
    if (options.index !== false) await indexEventParties(tx, { accountId, actor, target });
  });
}

const find = async (accountId: string, query: string) => ((await entityIdsMatching(db(), { accountId, scope: PARTIES_SCOPE, query })) ?? []).sort();

describe("activity parties in the search index", () => {
  it("finds a party by every label its events were recorded under, never another account's", async () => {
    const accountId = await newAccount();
    const other = await newAccount();
    const ada = { id: crypto.randomUUID(), label: "Ada Lovelace" };
    const bob = { id: crypto.randomUUID(), label: "bob@example.com" };
    await event(accountId, 1, ada, bob);
    await event(accountId, 2, { ...ada, label: "Ada King" }); // renamed later
    await event(other, 1, { id: crypto.randomUUID(), label: "Ada Lovelace" });
    expect(await find(accountId, "lovelace")).toEqual([ada.id]);
    expect(await find(accountId, "king")).toEqual([ada.id]);
    expect(await find(accountId, "ad")).toEqual([ada.id]);
    expect(await find(accountId, "example")).toEqual([bob.id]);
    expect(await find(accountId, "zzz")).toEqual([]);
  });

  it("adds nothing for an event that rolled back", async () => {
    const accountId = await newAccount();
    const ghost = { id: crypto.randomUUID(), label: "Ghost Writer" };
    await expect(
      writeSystem(async (tx) => {
        await indexEventParties(tx, { accountId, actor: ghost });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await find(accountId, "ghost")).toEqual([]);
    // Not remembered as indexed either: the next event with that label writes it.
    await event(accountId, 1, ghost);
    expect(await find(accountId, "ghost")).toEqual([ghost.id]);
  });

  it("backfills the parties of events recorded before the index, and finds them meanwhile", async () => {
    const accountId = await newAccount();
    const parties = Array.from({ length: 23 }, (_, i) => ({ id: crypto.randomUUID(), label: `Party ${i} ${i % 2 ? "Quinn" : "Other"}` }));
    for (const [i, p] of parties.entries()) await event(accountId, i + 1, p, parties[(i + 5) % parties.length], { index: false });
    await planSearchBackfill();
    const quinns = parties.filter((p) => p.label.includes("Quinn")).map((p) => p.id).sort();
    expect(await find(accountId, "quinn")).toEqual(quinns); // before: the scan of what isn't indexed
    await runSearchBackfill({ batchSize: 4 });
    expect(await find(accountId, "quinn")).toEqual(quinns); // after: the index alone
    expect(await find(accountId, "party 1")).toEqual(parties.filter((p) => p.label.startsWith("Party 1")).map((p) => p.id).sort());
  });

  it("forgets a party with its last event (retention), and indexes it again when it comes back", async () => {
    const accountId = await newAccount();
    const gone = { type: "user" as const, id: crypto.randomUUID(), label: "Gwen Gone" };
    const stays = { type: "user" as const, id: crypto.randomUUID(), label: "Sam Stays" };
    const record = (actor: typeof gone) => writeSystem((tx) => recordEvent(tx, { accountId, action: "user.updated", actor, meta: { ip: null, userAgent: null } }));
    await record(gone);
    await record(stays);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // Two days on, with a day's retention: both events go; Sam acts again first.
      vi.setSystemTime(Date.now() + 2 * 86_400_000);
      await record(stays);
      await pruneActivity(new Date(), 1);
      expect(await find(accountId, "gwen")).toEqual([]);
      expect(await find(accountId, "sam")).toEqual([stays.id]);
      // Gwen comes back under the same label: this process indexed it before, and must again.
      await record(gone);
      expect(await find(accountId, "gwen")).toEqual([gone.id]);
    } finally {
      vi.useRealTimers();
    }
  });
});
