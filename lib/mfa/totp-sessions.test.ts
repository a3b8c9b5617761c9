/**
 * Removing the authenticator app ends the sessions its codes proved (sessions.second_factor "totp"), as removing a
 * passkey ends the sessions it signed in (./passkey-sessions.test.ts): all but the session removing it, and with them
 * the person's grants at apps. A session proved by a recovery code, or from before the column, stays.
 */
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { writeSystem } from "@/lib/data/unit-of-work";
import { oidcModels, sessions } from "@/lib/db/schema";
import { createSession, resolveSession } from "@/lib/sessions/sessions";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, eventsOf, META, startSession, type TestUser } from "@/test/factories";
import { grantWithTokens, personAndApp } from "@/test/oidc-fixtures";
import { confirmTotpSetup, removeTotp, startTotpSetup } from "./factors";
import { completeSecondStep, SecondStepRequired } from "./second-step";
import { totpCode } from "./totp";

const PASSWORD = "a long and unusual passphrase";
const START = Date.now();
/** A moment `step` authenticator steps (30 s) from the test's start: each sign-in's code is a new one. */
const stepAt = (step: number) => new Date(START + step * 30_000);

let accountId: string;
let clientId: string;
beforeAll(async () => {
  await createAccount();
  ({ accountId, clientId } = await personAndApp());
});

async function userWithApp(): Promise<{ user: TestUser; secret: string; codes: string[] }> {
  const user = await createUser(accountId, { password: PASSWORD });
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
  const codes = await confirmTotpSetup(actor, { code: totpCode(secret, stepAt(0)) }, META, stepAt(0));
  return { user, secret, codes: codes! };
}

/** The password, then `code` at `now` as the second step: the session it made. */
async function signIn(user: TestUser, code: string, now: Date): Promise<string> {
  const step = await signInWithPassword(user.email, PASSWORD, META, now).catch((e: unknown) => e);
  expect(step).toBeInstanceOf(SecondStepRequired);
  return (await completeSecondStep((step as SecondStepRequired).token, code, META, now)).sessionId;
}

const liveSessions = async (userId: string) => (await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).map((s) => s.id).sort();
const appRows = async (userId: string) => db().select({ name: oidcModels.name }).from(oidcModels).where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId)));

describe("removing the authenticator app", () => {
  it("ends the sessions its codes proved but the one removing it, and the person's app grants; a recovery code's session and one from before the column stay", async () => {
    const { user, secret, codes } = await userWithApp();
    const remover = await signIn(user, totpCode(secret, stepAt(1)), stepAt(1));
    const ended = await signIn(user, totpCode(secret, stepAt(2)), stepAt(2));
    const byRecoveryCode = await signIn(user, codes[0], stepAt(3));
    const fromBefore = await writeSystem((tx) => createSession(tx, user, "password", META));
    await grantWithTokens(user.id, clientId);
    const before = await liveSessions(user.id);
    expect(before).toEqual(expect.arrayContaining([remover, ended, byRecoveryCode, fromBefore]));

    await removeTotp((await resolveSession(remover))!, { password: PASSWORD }, META, stepAt(4));

    expect(await liveSessions(user.id)).toEqual(before.filter((id) => id !== ended));
    const [removed] = await eventsOf(accountId, "mfa.factor.removed");
    expect(removed).toMatchObject({ targetId: user.id, details: { factor: "totp", sessions_ended: 1 } });
    expect(await appRows(user.id)).toEqual([]);
    const revoked = (await eventsOf(accountId, "app.tokens.revoked")).filter((e) => e.targetId === user.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ details: { reason: "authenticator_app_removed", grants_ended: 1 } });
  });

  it("that proved no other session ends nothing, and the app grants stay", async () => {
    const { user, codes } = await userWithApp();
    const remover = await signIn(user, codes[0], stepAt(1));
    await grantWithTokens(user.id, clientId);
    const before = await liveSessions(user.id);
    await removeTotp((await resolveSession(remover))!, { password: PASSWORD }, META, stepAt(2));
    expect(await liveSessions(user.id)).toEqual(before);
    expect(await appRows(user.id)).toHaveLength(3);
  });
});
