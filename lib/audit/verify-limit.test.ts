/**
 * Review 13: "Verify integrity" (the Activity page, GET /api/events/integrity) re-hashes the whole log: about
 * a second of the server's CPU per 30,000 events, half a minute for a million. Anyone holding events:read (an
 * auditor, a billing admin, a token scoped to it, at the API's 600 requests a minute) could start as many as
 * they liked at once and keep the server busy with nothing else. Each person now has a budget of checks
 * (lib/security/limits.ts activityVerifyLimit); `npm run verify-events` (verifyChain) is not limited.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { RateLimited } from "@/lib/errors";
import { activityVerifyLimit } from "@/lib/security/limits";
import { createAccount, createUser, startSession } from "@/test/factories";
import { verifyActivityIntegrity, verifyChain } from "./verify";

let accountId: string;
let auditor: SessionActor;
let admin: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  await createUser(accountId, { role: "owner" });
  auditor = await startSession(await createUser(accountId, { role: "auditor" }));
  admin = await startSession(await createUser(accountId, { role: "admin" }));
});

describe("verifying the activity log", () => {
  it("is limited per person: past the budget a 429 saying how long to wait", async () => {
    const budget = activityVerifyLimit().points;
    expect(budget).toBe(10);
    for (let i = 0; i < budget; i++) expect((await verifyActivityIntegrity(auditor)).ok).toBe(true);
    const refusal = await verifyActivityIntegrity(auditor).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(RateLimited);
    expect((refusal as RateLimited).message).toMatch(/^Too many requests\. Try again in (14|15) minutes\.$/);
    expect((refusal as RateLimited).retryAfterSeconds).toBeGreaterThan(800);
  });

  it("one person's budget is theirs: someone else still verifies, and so does npm run verify-events", async () => {
    expect((await verifyActivityIntegrity(admin)).ok).toBe(true);
    expect((await verifyChain(accountId)).ok).toBe(true);
  });
});
