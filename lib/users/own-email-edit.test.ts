/**
 * "Changing where an account is reached needs proof" (docs/security.md): one's own address moves only through
 * Profile's email change (requestEmailChange: the current password, no scoped token, a link to the new
 * address). Review 7: updateUser (Team → Users' Edit user, PUT /api/users/{id}) let a person move their own
 * address with users:update alone, from a stolen session or a token scoped to users:update; "Forgot
 * password?" to the new address then took the account (and every app it signs in to). Now it refuses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { createUser, META, startSession, type TestUser } from "@/test/factories";
import { startMailInstance } from "@/test/mail";
import { takesOverThrough } from "@/test/takeover";
import type { TestSmtp } from "@/test/smtp-server";
import { updateUser } from "./lifecycle";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const PASSWORD = "the admin's own long passphrase 73";
const CHOSEN = "the attacker's chosen passphrase 91";

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());
beforeEach(async () => {
  await resetRateLimits();
});

describe("moving one's own address through Edit user needs the same proof as Profile's email change", { timeout: 60_000 }, () => {
  it.each([
    ["users:update", ["users:read", "users:update"], "leaked-token@evil.example"],
    // Holding users:reset_password too (an admin's token), only the rule on one's own address stops it.
    ["users:update and users:reset_password", ["users:read", "users:update", "users:reset_password"], "leaked-admin-token@evil.example"],
  ] as const)("a token scoped to %s can't move its owner's email (and so take the account)", async (_, permissions, inbox) => {
    const admin = await createUser(accountId, { role: "admin", email: `scoped-admin-${permissions.length}@example.com`, password: PASSWORD });
    const { plain } = await writeSystem((tx) =>
      mintAccessToken(tx, { accountId, userId: admin.id, name: "directory-sync", expiresInDays: 1, createdBy: admin.id, permissions: [...permissions] }),
    );
    const scoped = (await authenticateAccessToken(plain))!;
    let moved = true;
    try {
      await updateUser(scoped, admin.id, { email: inbox }, META);
    } catch {
      moved = false;
    }
    const tookOver = moved && (await takesOverThrough(smtp, inbox, admin.id, CHOSEN));
    expect(tookOver, "the leaked token's holder signed in as its owner with a password of their choosing").toBe(false);
    expect(moved, "a token limited to users:update moved its owner's email").toBe(false);
  });

  it("a session alone (no current password) can't move its own email through Edit user", async () => {
    const admin = await createUser(accountId, { role: "admin", email: "session-admin@example.com", password: PASSWORD });
    const stolen = await startSession(admin);
    let moved = true;
    try {
      await updateUser(stolen, admin.id, { email: "stolen-cookie@evil.example" }, META);
    } catch (err) {
      expect(String(err)).toContain("Change your own email in Profile");
      moved = false;
    }
    const tookOver = moved && (await takesOverThrough(smtp, "stolen-cookie@evil.example", admin.id, CHOSEN));
    expect(tookOver, "the cookie's thief signed in as the admin with a password of their choosing").toBe(false);
    expect(moved, "a session without the password moved its own email").toBe(false);
  });
});
