/**
 * A session remembers the passkey it was signed in with (sessions.second_factor), passwordless or as the second
 * step, and removing that passkey ends it: the person's own removal ends every session it proved but the one
 * removing it, and the sessions from before the column that a passkey made (which one is unknown), and with them
 * the person's grants at apps; an admin's reset of the person's two-factor ends all their sessions and grants.
 * Both are in the activity log. Real WebAuthn verification with a software authenticator (test/software-authenticator.ts).
 */
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { writeSystem } from "@/lib/data/unit-of-work";
import { oidcModels, sessions } from "@/lib/db/schema";
import { createSession, resolveSession } from "@/lib/sessions/sessions";
import { passwordlessOptions, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, eventsOf, META, setPublicAddress, startSession, type TestUser } from "@/test/factories";
import { grantWithTokens, personAndApp } from "@/test/oidc-fixtures";
import { softwarePasskey, type SoftwarePasskey } from "@/test/software-authenticator";
import { resetTwoFactor } from "./admin";
import { parseAuthenticationResponse } from "./passkey-records";
import { finishPasskeyRegistration, removePasskey, startPasskeyRegistration } from "./passkeys";
import { SecondStepRequired } from "./second-step";
import { completeSecondStepWithPasskey, secondStepPasskeyOptions } from "./second-step-passkey";

const ORIGIN = "https://team.example.com";
const PASSWORD = "a long and unusual passphrase";

let accountId: string;
let clientId: string;
beforeAll(async () => {
  await createAccount();
  ({ accountId, clientId } = await personAndApp());
  await setPublicAddress(accountId, ORIGIN);
});

const answer = (value: Record<string, unknown>) => parseAuthenticationResponse(JSON.stringify(value))!;

type Key = { key: SoftwarePasskey; id: string; credentialId: string };

async function addPasskey(user: TestUser, name: string): Promise<Key> {
  const actor = await startSession(user);
  const key = softwarePasskey(user.id);
  const done = await finishPasskeyRegistration(actor, { name, response: key.register(await startPasskeyRegistration(actor, { password: PASSWORD }, META), ORIGIN) }, META);
  return { key, id: done.passkey.id, credentialId: key.credentialId.toString("base64url") };
}

/** "Sign in with a passkey" in a browser of its own: the session it made. */
let browsers = 0;
async function passwordless(passkey: Key): Promise<string> {
  const binding = `browser-${(browsers += 1)}`;
  const options = await passwordlessOptions(binding, META);
  return (await signInWithPasskey(binding, answer(passkey.key.assert(options, ORIGIN)), META)).sessionId;
}

/** The password, then the passkey as the second step: the session it made. */
async function passwordThenPasskey(user: TestUser, passkey: Key): Promise<string> {
  const step = await signInWithPassword(user.email, PASSWORD, META).catch((e: unknown) => e);
  expect(step).toBeInstanceOf(SecondStepRequired);
  const token = (step as SecondStepRequired).token;
  return (await completeSecondStepWithPasskey(token, answer(passkey.key.assert(await secondStepPasskeyOptions(token), ORIGIN)), META)).sessionId;
}

/** A session row as it was before sessions.second_factor existed. */
async function sessionFromBefore(user: TestUser, method: "passkey" | "password"): Promise<string> {
  const id = await writeSystem((tx) => createSession(tx, user, method, META));
  await writeSystem(async (tx) => {
    await tx.update(sessions).set({ secondFactor: null }).where(eq(sessions.id, id));
  });
  return id;
}

const liveSessions = async (userId: string) => (await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).map((s) => s.id).sort();
const appRows = async (userId: string) => db().select({ name: oidcModels.name }).from(oidcModels).where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId)));

describe("a session signed in with a passkey", () => {
  it("keeps which passkey it was, passwordless or as the second step", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const passkey = await addPasskey(user, "Work laptop");
    const [alone, second] = [await passwordless(passkey), await passwordThenPasskey(user, passkey)];
    const rows = await db().select({ id: sessions.id, signInMethod: sessions.signInMethod, secondFactor: sessions.secondFactor }).from(sessions).where(eq(sessions.userId, user.id));
    expect(rows.find((r) => r.id === alone)).toMatchObject({ signInMethod: "passkey", secondFactor: `passkey:${passkey.credentialId}` });
    expect(rows.find((r) => r.id === second)).toMatchObject({ signInMethod: "password", secondFactor: `passkey:${passkey.credentialId}` });
  });
});

describe("removing a passkey", () => {
  it("ends the sessions it signed in (first step or second) and the passkey sessions from before the column, but the one removing it; and the person's app grants", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const [lost, kept] = [await addPasskey(user, "Lost phone"), await addPasskey(user, "YubiKey")];
    const remover = await passwordless(lost);
    const ended = [await passwordless(lost), await passwordThenPasskey(user, lost), await sessionFromBefore(user, "passkey")];
    const stay = [remover, await passwordless(kept), await passwordThenPasskey(user, kept), await sessionFromBefore(user, "password")];
    const actor = (await resolveSession(remover))!;
    await grantWithTokens(user.id, clientId);
    const before = await liveSessions(user.id);
    expect(before).toEqual(expect.arrayContaining([...ended, ...stay]));

    await removePasskey(actor, lost.id, { password: PASSWORD }, META);

    const after = await liveSessions(user.id);
    expect(after).toEqual(before.filter((id) => !ended.includes(id)));
    expect(after).toEqual(expect.arrayContaining(stay));
    const [removed] = await eventsOf(accountId, "mfa.factor.removed");
    expect(removed).toMatchObject({ targetId: user.id, details: { factor: "passkey", passkey_id: lost.id, sessions_ended: 3 } });
    expect(await appRows(user.id)).toEqual([]);
    const revoked = (await eventsOf(accountId, "app.tokens.revoked")).filter((e) => e.targetId === user.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ details: { reason: "passkey_removed", grants_ended: 1 } });
  });

  it("that no session was signed in with ends nothing, and the app grants stay", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const [unused, used] = [await addPasskey(user, "Spare key"), await addPasskey(user, "Laptop")];
    const session = await passwordless(used);
    await grantWithTokens(user.id, clientId);
    const before = await liveSessions(user.id);
    await removePasskey(await startSession(user), unused.id, { password: PASSWORD }, META);
    expect(await liveSessions(user.id)).toEqual(expect.arrayContaining(before));
    expect(await liveSessions(user.id)).toContain(session);
    expect(await appRows(user.id)).toHaveLength(3);
  });

  it("by an admin's reset of the person's two-factor: all their sessions end (passkey ones too), and their grants", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const passkey = await addPasskey(user, "Phone");
    await passwordless(passkey);
    await passwordThenPasskey(user, passkey);
    await grantWithTokens(user.id, clientId);
    const admin = await startSession(await createUser(accountId, { role: "admin", password: PASSWORD }));
    const { sessionsEnded } = await resetTwoFactor(admin, user.id, META, { password: PASSWORD });
    expect(sessionsEnded).toBeGreaterThanOrEqual(2);
    expect(await liveSessions(user.id)).toEqual([]);
    expect(await appRows(user.id)).toEqual([]);
    const [reset] = (await eventsOf(accountId, "mfa.reset")).filter((e) => e.targetId === user.id);
    expect(reset).toMatchObject({ details: { had_passkeys: 1, sessions_ended: sessionsEnded } });
  });
});
