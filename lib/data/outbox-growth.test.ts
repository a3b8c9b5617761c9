/**
 * Review 9c (storage growth): a message given up after its tries ("failed") stayed in the outbox for ever,
 * for an operator to read. While mail is set up but broken, every mail anyone can cause (a stranger's
 * "Forgot password?" for each known address, 12 a hour per address; sign-in notices) ends as such a row, so
 * the table grew without bound; the operator's list shows the newest 50. Now failed messages go after 30
 * days, long after any link in them has stopped working; delivered ones after 7 days, as before.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { accounts, outbox } from "@/lib/db/schema";
import { runMaintenance } from "@/lib/jobs";

const DAY_MS = 86_400_000;
let accountId: string;

beforeAll(async () => {
  accountId = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(accounts).values({ id: accountId });
  });
});

async function givenUpMessage(createdAt: Date): Promise<string> {
  const id = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(outbox).values({ id, accountId, topic: "test.outbox-growth", payload: {}, status: "failed", attempts: 31, availableAt: createdAt, createdAt, lastError: "550 no such user" });
  });
  return id;
}
const exists = async (id: string) => (await db().select({ id: outbox.id }).from(outbox).where(eq(outbox.id, id)).limit(1)).length === 1;

describe("outbox growth", () => {
  it("the maintenance pass removes failed messages older than 30 days and keeps the recent ones for the operator", async () => {
    const now = new Date();
    const old = await givenUpMessage(new Date(now.getTime() - 31 * DAY_MS));
    const recent = await givenUpMessage(new Date(now.getTime() - 2 * DAY_MS));
    const result = await runMaintenance(now);
    expect(await exists(old)).toBe(false);
    expect(await exists(recent)).toBe(true);
    expect(result.outboxRowsPruned).toBeGreaterThanOrEqual(1);
  });
});
