/**
 * Names stored before the one-line rule (review 8) are cleaned once by the maintenance pass: a member's
 * "Olga\n\nYour account will be closed…" or a reversed name no longer reaches admins' lists, the activity
 * log or apps' `name` claim. Clean names are left alone, the change is on record, search follows, and a
 * pass that has seen every name reads nothing after.
 */
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, meta } from "@/lib/db/schema";
import { createAccount, createUser, lastEvent, startSession, updateUserRow, userRow } from "@/test/factories";
import { NAMES_CLEANED, cleanStoredNames } from "./name-cleanup";
import { listUsers, userFiltersSchema } from "./queries";
import { openIdentity, sealName } from "./records";
import { indexUser } from "./search-source";

/** A name as a release before the rule could have stored it (sealed and indexed, no validation). */
async function storeOldName(user: { id: string; accountId: string; email: string; username: string }, name: string) {
  await updateUserRow(user.id, sealName(user.id, name));
  await writeSystem((tx) => indexUser(tx, { ...user, name }));
}

const nameOf = async (id: string) => openIdentity(await userRow(id)).name;

beforeEach(async () => {
  await writeSystem(async (tx) => {
    await tx.delete(meta).where(eq(meta.key, NAMES_CLEANED));
  });
});

describe("cleanStoredNames", () => {
  it("makes an old multi-line or reversed name one line, records it and re-indexes it; clean names stay as they are", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", name: "Owner Clean" });
    const olga = await createUser(accountId, { name: "placeholder" });
    const eve = await createUser(accountId, { name: "placeholder" });
    await storeOldName(olga, "Olga\n\nYour account will be closed. Verify at https://evil.example");
    await storeOldName(eve, "Eve \u202Enimda\u202C Smith");

    expect(await cleanStoredNames({ batchSize: 2 })).toBe(2);

    expect(await nameOf(olga.id)).toBe("Olga Your account will be closed. Verify at https://evil.example");
    expect(await nameOf(eve.id)).toBe("Eve nimda Smith");
    expect(await nameOf(owner.id)).toBe("Owner Clean");
    const events = await db().select().from(activityEvents).where(eq(activityEvents.targetId, eve.id));
    expect(events.map((e) => [e.action, e.actorType, e.details])).toEqual([["user.updated", "system", { changed: ["name"] }]]);
    expect((await db().select().from(activityEvents).where(eq(activityEvents.targetId, owner.id))).length).toBe(0);
    const found = await listUsers(await startSession(owner), userFiltersSchema.parse({ search: "nimda" }));
    expect(found.items.map((u) => [u.id, u.name])).toEqual([[eve.id, "Eve nimda Smith"]]);
  });

  it("runs once: after a pass has read every name, later passes read none", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { name: "placeholder" });
    expect(await cleanStoredNames()).toBe(0);
    // Only a release from before the rule could store this; the pass doesn't look again.
    await storeOldName(user, "Line\nbreak");
    const before = await lastEvent();
    expect(await cleanStoredNames()).toBe(0);
    expect(await nameOf(user.id)).toBe("Line\nbreak");
    expect((await lastEvent()).id).toBe(before.id);
  });
});
