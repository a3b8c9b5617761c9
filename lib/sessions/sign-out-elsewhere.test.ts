/**
 * Review 6: "Sign out everywhere else" (Profile, lib/sessions/revoke.ts endOtherSessions) is what a person
 * does when they think someone else holds one of their sessions. It deletes the other session rows but
 * emits no effect, so what those sessions started lives on: a pending email change asked from the stolen
 * session still confirms (then "Forgot password?" to the new address takes the account), and the
 * person's app grants at the OpenID provider stay. docs/security.md promises pending links end "when
 * sessions are revoked"; an admin's revoke (user.sessions_revoked) and a password change do end them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { outboxIdle } from "@/lib/data/outbox";
import { db } from "@/lib/db/database";
import { oidcModels } from "@/lib/db/schema";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { resolveSession } from "@/lib/sessions/sessions";
import { personAndApp } from "@/test/oidc-fixtures";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { confirmEmailChange, requestEmailChange } from "@/lib/users/email-change";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { sendMailThrough, sentTo } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { endOtherSessions } from "./revoke";

let smtp: TestSmtp;
let accountId: string;
const PASSWORD = "the victim's own passphrase 31";
const changeLink = (text: string | undefined) => /\/confirm-email\?token=(lke_[0-9A-Za-z]+)/.exec(text ?? "")?.[1];

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  const owner: TestUser = await createUser(accountId, { role: "owner" });
  await sendMailThrough(smtp, owner);
}, 60_000);
afterAll(() => smtp.stop());
beforeEach(async () => {
  await resetRateLimits();
});

describe("signing out everywhere else ends what the other sessions started", { timeout: 60_000 }, () => {
  it("a pending email change asked from another session no longer confirms", async () => {
    const victim = await createUser(accountId, { password: PASSWORD });
    // The attacker holds one session (and, say, a phished password) and moves the email to their address.
    const stolen = await startSession(victim);
    await requestEmailChange(stolen, { email: "attacker@evil.example", current_password: PASSWORD }, META);
    await outboxIdle();
    const token = changeLink((await smtp.waitFor(sentTo("attacker@evil.example"))).text)!;
    expect(token).toBeTruthy();

    // The victim gets the notice and, from their own browser, signs out everywhere else.
    const own = await startSession(victim);
    expect(await endOtherSessions(own, META)).toBeGreaterThanOrEqual(1);

    let moved = false;
    try {
      await confirmEmailChange({ token }, META);
      moved = true;
    } catch {
      moved = false;
    }
    expect(moved, "the attacker's link still moved the email after \"sign out everywhere else\"").toBe(false);
  });

  it("the person's grants at apps end too, and this session stays", async () => {
    const { accountId: instance, userId, clientId } = await personAndApp();
    const grantId = crypto.randomUUID();
    await new OidcAdapter("Grant").upsert(grantId, { accountId: userId, clientId } as never, 3600);
    await new OidcAdapter("RefreshToken").upsert(crypto.randomUUID(), { accountId: userId, clientId, grantId } as never, 3600);
    const other = await startSession({ id: userId, accountId: instance });
    const own = await startSession({ id: userId, accountId: instance });
    expect(await endOtherSessions(own, META)).toBe(1);
    const left = await db()
      .select({ name: oidcModels.name })
      .from(oidcModels)
      .where(and(eq(oidcModels.userId, userId), inArray(oidcModels.name, ["RefreshToken", "Grant"])));
    expect(left, "the app grants left after \"sign out everywhere else\"").toEqual([]);
    expect(await resolveSession(other.sessionId)).toBeNull();
    expect(await resolveSession(own.sessionId)).not.toBeNull();
  });
});
