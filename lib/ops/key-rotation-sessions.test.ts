import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { newInstanceUnderKey, restartWith } from "@/test/fresh-instance";

/*
 * Review 24: a replica of a version from before review 17 that still runs after the upgrade (or such a version
 * started again on upgraded data) writes sessions with the client address and user agent in the clear, beside
 * the sealed columns. docs/operations.md promises that `npm run rotate-key` seals such rows, as it seals the
 * activity log's; it re-encrypted the sealed columns and left these in the clear (tried with an earlier build, 329f4f83, review 12's merge,
 * beside this one on PostgreSQL: 4 sessions kept "127.0.0.1" and the browser after the rotation).
 */
const K1 = crypto.randomBytes(32).toString("base64");
const K2 = crypto.randomBytes(32).toString("base64");

describe("npm run rotate-key and sessions an older version wrote", () => {
  it("seals their client address and user agent and forgets the plaintext", async () => {
    const { factories, owner } = await newInstanceUnderKey(K1);
    const sealedOne = await factories.startSession(owner);
    const olderOne = await factories.startSession(owner);
    // The row as that build writes it: address and browser in the clear, no sealed columns.
    const { writeSystem } = await import("@/lib/data/unit-of-work");
    const { sessions } = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    await writeSystem((tx) =>
      tx.update(sessions).set({ ip: "198.51.100.23", userAgent: "Firefox/120", ipCiphertext: null, userAgentCiphertext: null }).where(eq(sessions.id, olderOne.sessionId)),
    );

    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 });
    await import("@/lib/reactions");
    const rotation = await import("./key-rotation");
    expect(await rotation.rotationWorkLeft()).toContainEqual(["sessions.ip and user_agent in the clear", 1]);
    await rotation.rotateEncryptionKey({ batchSize: 1 });

    const { db } = await import("@/lib/db/database");
    const schema = await import("@/lib/db/schema");
    const { openSessionClient } = await import("@/lib/sessions/client-fields");
    const rows = await db()
      .select({ id: schema.sessions.id, ip: schema.sessions.ip, userAgent: schema.sessions.userAgent, ipCiphertext: schema.sessions.ipCiphertext, userAgentCiphertext: schema.sessions.userAgentCiphertext })
      .from(schema.sessions);
    for (const row of rows) expect(row, row.id).toMatchObject({ ip: null, userAgent: null });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(openSessionClient(byId.get(olderOne.sessionId)!)).toEqual({ ip: "198.51.100.23", userAgent: "Firefox/120" });
    expect(openSessionClient(byId.get(sealedOne.sessionId)!)).toEqual({ ip: factories.META.ip, userAgent: factories.META.userAgent });
    expect(await rotation.rotationWorkLeft()).toEqual([]);

    // K2 alone opens every session.
    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: "" });
    const reopened = await (await import("@/lib/db/database")).db().select().from((await import("@/lib/db/schema")).sessions);
    const { openSessionClient: open2 } = await import("@/lib/sessions/client-fields");
    expect(reopened.map((r) => open2(r).ip).sort()).toEqual(["198.51.100.23", factories.META.ip].sort());
  });
});
