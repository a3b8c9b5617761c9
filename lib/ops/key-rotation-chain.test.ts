import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { newInstanceUnderKey, restartWith } from "@/test/fresh-instance";

/*
 * Review 24: docs/operations.md says `verify-events` passes before, during and after a key rotation. The
 * rotation re-seals the activity chain a batch at a time; between two batches (while it runs, or after a
 * kill -9 part-way, tried on an upgraded instance) the first event not yet re-sealed still names the old hash
 * of the one before, and the check reported the log BROKEN there ("it does not chain to the event before it
 * (an event before it was changed, replaced or inserted)") until the rotation was run again. The walk now
 * keeps the old hash of the last event it re-sealed with its cursor, and the check accepts that link at
 * exactly that place while the rotation to the current key is unfinished; anything else still breaks it.
 */
const K1 = crypto.randomBytes(32).toString("base64");
const K2 = crypto.randomBytes(32).toString("base64");

describe("the activity chain during a key rotation", () => {
  it("verifies between two batches of the re-sealing, after a crash there; a cursor naming another old hash does not", async () => {
    const { factories, accountId } = await newInstanceUnderKey(K1);
    const { recordEvent } = await import("@/lib/audit/record");
    const { writeSystem } = await import("@/lib/data/unit-of-work");
    for (let i = 0; i < 5; i++) {
      await writeSystem((tx) => recordEvent(tx, { accountId, action: "test.event", actor: { type: "system", id: null, label: "Test" }, meta: factories.META }));
    }

    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 });
    await import("@/lib/reactions");
    const { resealActivityChains } = await import("./chain-reseal");
    const { verifyChain } = await import("@/lib/audit/verify");
    let batches = 0;
    // Stopped after its second batch of one event each, as a kill -9 would stop it.
    await expect(
      resealActivityChains(1, () => {
        batches += 1;
        if (batches === 2) throw new Error("killed");
      }),
    ).rejects.toThrow("killed");
    const midway = await verifyChain(accountId);
    expect(midway.broken).toBeNull();
    expect(midway.ok).toBe(true);

    // Only the old hash the walk kept is accepted there: a cursor naming another doesn't make the link pass.
    const { db } = await import("@/lib/db/database");
    const { execute } = await import("@/lib/db/raw");
    const { like, sql } = await import("drizzle-orm");
    const { meta } = await import("@/lib/db/schema");
    const [cursor] = await db().select().from(meta).where(like(meta.key, "key_rotation.chain.%"));
    expect(cursor.value).toMatch(/^[0-9a-f]+:2:[0-9a-f]{64}$/);
    const unitOfWork = await import("@/lib/data/unit-of-work");
    const setCursor = (value: string) => unitOfWork.writeSystem((tx) => execute(tx, sql`UPDATE meta SET value = ${value} WHERE key = ${cursor.key}`));
    await setCursor(cursor.value.replace(/:[0-9a-f]{64}$/, `:${"0".repeat(64)}`));
    expect((await verifyChain(accountId)).broken?.problem).toBe("relinked");
    await setCursor(cursor.value);

    // The rotation run again finishes; the chain verifies under the new key alone.
    const { rotateEncryptionKey } = await import("./key-rotation");
    await rotateEncryptionKey({ batchSize: 1 });
    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: "" });
    const after = await (await import("@/lib/audit/verify")).verifyChain(accountId);
    expect(after).toMatchObject({ ok: true, broken: null });
  });
});
