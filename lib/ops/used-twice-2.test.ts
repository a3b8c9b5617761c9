/**
 * Review 32: the features added since review 16, used twice at the same moment. Each probe fires its requests
 * together (Promise.allSettled); on PostgreSQL the checks made before a unit of work and the units of work
 * themselves really overlap (two pools, ordered by the instance's write lock). What is looked for: a check
 * made outside the lock and acted on in a later unit of work. docs/security.md, "Used twice at once, the later
 * features (review 32)".
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { mfaTotp } from "@/lib/db/schema";
import { confirmTotpSetup, removeTotp, startTotpSetup } from "@/lib/mfa/factors";
import { totpCode } from "@/lib/mfa/totp";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { AT_ONCE } from "@/test/at-once";
import { createAccount, createUser, eventsOf, META } from "@/test/factories";
import { startSession } from "@/test/factories";

const PASSWORD = "a long and unusual passphrase";

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
});

/** Each call at once; the indexes of those that resolved. */
async function atOnce(calls: Array<() => Promise<unknown>>): Promise<{ won: number[]; results: PromiseSettledResult<unknown>[] }> {
  const results = await Promise.allSettled(calls.map((call) => call()));
  return { won: results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : [])), results };
}

describe("found and fixed", () => {
  it("the authenticator app removed twice at once (two tabs, a double click): one removal, on record once", async () => {
    await resetRateLimits();
    const user = await createUser(accountId, { password: PASSWORD });
    const actor: SessionActor = await startSession(user);
    const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
    await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META);
    const before = (await eventsOf(accountId, "mfa.factor.removed")).length;
    const { won } = await atOnce(Array.from({ length: AT_ONCE }, () => () => removeTotp(actor, { password: PASSWORD }, META)));
    expect(await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id))).toEqual([]);
    expect((await eventsOf(accountId, "mfa.factor.removed")).length - before, "removals on record").toBe(1);
    expect(won).toHaveLength(1);
  });
});
