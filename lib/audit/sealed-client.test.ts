import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { createAccount, createUser, startSession } from "@/test/factories";
import { chainHead, eventHash } from "./chain";
import { eventFiltersSchema } from "./event-filters";
import { listEvents } from "./events";
import { insertQuery, recordEvent, sealedRow } from "./record";
import { verifyChain } from "./verify";

/*
 * Review 17: the activity log's client address and user agent are sealed like its labels, so a copy of the
 * database without the key holds neither. The log still shows them, still finds events by an exact address,
 * and its hash chain covers the sealed values; events recorded before (their address in the clear, hashed
 * as v1) still verify and are still found.
 */
describe("the activity log's client address and user agent", () => {
  it("are sealed at rest, shown and searchable, and chained; events from before still verify and are found", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner" });
    const actor = await startSession(owner);
    const party = { type: "user" as const, id: owner.id, label: owner.name };

    // An event as recorded before review 17: the address and user agent in the clear, hashed as v1.
    await writeSystem(async (tx) => {
      const row = sealedRow({ accountId, action: "test.legacy", actor: party, meta: { ip: null, userAgent: null } }, await chainHead(tx, accountId));
      const legacy = { ...row, ip: "198.51.100.41", userAgent: "LegacyAgent/1.0" };
      await insertQuery(tx, { ...legacy, hash: eventHash(legacy) });
    });
    await writeSystem((tx) => recordEvent(tx, { accountId, action: "test.sealed", actor: party, meta: { ip: "198.51.100.42", userAgent: "SealedAgent/2.0" } }));

    const stored = await rows<{ action: string; ip: string | null; user_agent: string | null; ip_ciphertext: string | null; user_agent_ciphertext: string | null }>(
      db(),
      sql`SELECT action, ip, user_agent, ip_ciphertext, user_agent_ciphertext FROM activity_events WHERE account_id = ${accountId} AND action = 'test.sealed'`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ ip: null, user_agent: null });
    expect(`${stored[0].ip_ciphertext} ${stored[0].user_agent_ciphertext}`).not.toMatch(/198\.51\.100\.42|SealedAgent/);

    const search = async (text: string) => (await listEvents(actor, eventFiltersSchema.parse({ search: text }))).events.map((e) => [e.action, e.ip, e.userAgent]);
    expect(await search("198.51.100.42")).toEqual([["test.sealed", "198.51.100.42", "SealedAgent/2.0"]]);
    expect(await search("198.51.100.41")).toEqual([["test.legacy", "198.51.100.41", "LegacyAgent/1.0"]]);
    expect(await search("198.51.100.43")).toEqual([]);

    expect(await verifyChain(accountId)).toMatchObject({ ok: true });

    // Re-sealing the chain (npm run rotate-key) seals the older event's address and user agent too: until then a
    // rotation has work left even when every value is under the current key.
    const { rotationWorkLeft } = await import("@/lib/ops/key-rotation");
    const cleartext = "activity_events.ip and user_agent in the clear";
    expect((await rotationWorkLeft()).map(([what]) => what)).toContain(cleartext);
    const { resealActivityChains, clearChainCursors } = await import("@/lib/ops/chain-reseal");
    await resealActivityChains(100, () => undefined);
    await writeSystem((tx) => clearChainCursors(tx));
    const plain = await rows<{ n: number | string }>(db(), sql`SELECT count(*) AS n FROM activity_events WHERE account_id = ${accountId} AND (ip IS NOT NULL OR user_agent IS NOT NULL)`);
    expect(Number(plain[0].n)).toBe(0);
    expect((await rotationWorkLeft()).map(([what]) => what)).not.toContain(cleartext);
    expect(await search("198.51.100.41")).toEqual([["test.legacy", "198.51.100.41", "LegacyAgent/1.0"]]);
    expect(await search("198.51.100.42")).toEqual([["test.sealed", "198.51.100.42", "SealedAgent/2.0"]]);
    expect(await verifyChain(accountId)).toMatchObject({ ok: true });
  });
});
