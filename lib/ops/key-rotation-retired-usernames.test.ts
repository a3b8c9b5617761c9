import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { newInstanceUnderKey, restartWith } from "@/test/fresh-instance";

/*
 * A retired username (lib/users/retired-usernames.ts) is found by its blind index, which follows the key: after
 * `npm run rotate-key` and a restart with the new key alone it must still be refused to others (its index
 * recomputed from the sealed value), as it is while both keys are given.
 */
const K1 = crypto.randomBytes(32).toString("base64");
const K2 = crypto.randomBytes(32).toString("base64");

async function refusalOf(username: string, accountId: string, ownerId: string): Promise<string | null> {
  const factories = await import("@/test/factories");
  const { createUser } = await import("@/lib/users/lifecycle");
  const { createUserSchema } = await import("@/lib/users/schemas");
  const { parseOrThrow } = await import("@/lib/http/validation");
  const owner = await factories.startSession({ id: ownerId, accountId });
  return createUser(owner, parseOrThrow(createUserSchema, { role: "user", username, name: "Newcomer" }), factories.META).then(
    () => null,
    (e: Error) => `${e.constructor.name}: ${e.message}`,
  );
}

describe("npm run rotate-key and retired usernames", () => {
  it("keeps a retired username refused to others under the new key alone", async () => {
    const { factories, accountId, owner } = await newInstanceUnderKey(K1);
    const { createUser, deleteUser } = await import("@/lib/users/lifecycle");
    const { createUserSchema } = await import("@/lib/users/schemas");
    const { parseOrThrow } = await import("@/lib/http/validation");
    const actor = await factories.startSession(owner);
    const { user } = await createUser(actor, parseOrThrow(createUserSchema, { role: "user", username: "Gone.Greta", name: "Greta" }), factories.META);
    await deleteUser(actor, user.id, factories.META);
    // Said as to the owner, who may list the held-back names (lib/users/username.ts USERNAME_HELD_BACK).
    const TAKEN = "Conflict: This username was someone else's until lately and is held back for 30 days; the owner can release it under Settings → Identity providers → Usernames";
    expect(await refusalOf("gone.greta", accountId, owner.id)).toBe(TAKEN);

    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: K1 });
    await import("@/lib/reactions");
    // Both keys given, the row not moved yet: found by its index under the previous key.
    expect(await refusalOf("GONE.greta", accountId, owner.id)).toBe(TAKEN);
    const rotation = await import("./key-rotation");
    expect(await rotation.rotationWorkLeft()).toContainEqual(["retired_usernames.username_ciphertext", 1]);
    await rotation.rotateEncryptionKey({ batchSize: 1 });

    await restartWith({ ENCRYPTION_KEY: K2, ENCRYPTION_KEY_PREVIOUS: "" });
    await import("@/lib/reactions");
    const { db } = await import("@/lib/db/database");
    const { retiredUsernames } = await import("@/lib/db/schema");
    const { usernameBlindIndex } = await import("@/lib/crypto/blind-index");
    const [row] = await db().select().from(retiredUsernames);
    expect(row).toMatchObject({ formerUserId: user.id, usernameIndex: usernameBlindIndex("Gone.Greta") });
    expect(await refusalOf("gone.greta", accountId, owner.id)).toBe(TAKEN);
  });
});
