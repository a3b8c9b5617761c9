/**
 * How an app hears how the person signed in (lib/oidc/authentication-context.ts): the ID token's amr and acr from
 * the Latchkey session its sign-in rides on, made by the real sign-ins (password, the second step with a code or a
 * recovery code), through the provider on a loopback server with openid-client as the app, and again after a refresh; a silent renewal takes
 * the live session's; an app asking the two-factor acr (acr_values) is given a step-up when the session has one
 * factor and a new sign-in could give two (lib/sign-in/step-up.ts), and the acr as it is otherwise.
 */
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { writeSystem } from "@/lib/data/unit-of-work";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { completeSecondStep, SecondStepRequired } from "@/lib/mfa/second-step";
import { totpCode } from "@/lib/mfa/totp";
import { ACR_ONE_FACTOR, ACR_TWO_FACTORS } from "@/lib/oidc/authentication-context";
import { createSession } from "@/lib/sessions/sessions";
import { passkeyFactor, type SecondFactor, type SignInMethod } from "@/lib/sessions/sign-in-method";
import { createUser, META, startSession, type TestUser } from "@/test/factories";
import { browseWithin, sessionCookie } from "@/test/provider-browser";
import { startProviderServer } from "@/test/provider-server";
import { SESSION_COOKIE } from "./auth-cookies";
import { signInWithPassword } from "./password-sign-in";

const REDIRECT = "http://127.0.0.1:9/callback";
const PASSWORD = "a long and unusual passphrase";
let loopback: Awaited<ReturnType<typeof startProviderServer>>;
let app: oidc.Configuration;

beforeAll(async () => {
  loopback = await startProviderServer();
  const owner = await startSession({ id: loopback.ownerId, accountId: loopback.accountId });
  const { application } = await createApplication(owner, createApplicationSchema.parse({ name: "Grafana", type: "spa", redirect_uris: [REDIRECT] }), META);
  app = await oidc.discovery(new URL(loopback.base), application.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
});

afterAll(async () => {
  await loopback.close();
});

/** An app's code flow (PKCE, state, nonce) in a browser holding `jar`: where Latchkey sent it, and the code's exchange. */
async function authorize(jar: string[], extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid profile", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "st4te", nonce: "n0nce", ...extra });
  const { left } = await browseWithin(loopback.base, url, jar);
  if (!left) throw new Error("the browser was not sent anywhere");
  return { left, exchange: () => oidc.authorizationCodeGrant(app, left, { pkceCodeVerifier: verifier, expectedState: "st4te", expectedNonce: "n0nce" }) };
}

/** The ID token's amr and acr for a browser holding session `sessionId` of `person`. */
async function idTokenOf(sessionId: string, person: { id: string }, extra: Record<string, string> = {}) {
  const { exchange } = await authorize([await sessionCookie(sessionId, person.id)], extra);
  const claims = (await exchange()).claims()!;
  return { amr: claims.amr, acr: claims.acr };
}

async function person(): Promise<TestUser> {
  return createUser(loopback.accountId, { password: PASSWORD });
}

/** A person with the authenticator app on, and its secret and recovery codes. */
async function personWithTotp(): Promise<{ user: TestUser; secret: string; codes: string[] }> {
  const user = await person();
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
  const codes = await confirmTotpSetup(actor, { code: totpCode(secret, new Date(Date.now() - 60_000)) }, META, new Date(Date.now() - 60_000));
  return { user, secret, codes: codes! };
}

/** The sign-in page's password step and the second step with `code`: the session it made. */
async function signInWithCode(user: TestUser, code: string): Promise<string> {
  const step = await signInWithPassword(user.email, PASSWORD, META).catch((e: unknown) => e);
  expect(step).toBeInstanceOf(SecondStepRequired);
  return (await completeSecondStep((step as SecondStepRequired).token, code, META)).sessionId;
}

/** A session row as a sign-in of that kind writes it (or as it was before the columns: null). */
async function sessionMadeBy(user: TestUser, method: SignInMethod | null, secondFactor: SecondFactor | null = null, at = new Date()): Promise<string> {
  return writeSystem((tx) => createSession(tx, user, method as SignInMethod, META, at, { secondFactor }));
}

describe("amr and acr in the ID token", () => {
  it("discovery lists both claims and the two acr values", async () => {
    const metadata = app.serverMetadata();
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(["acr", "amr"]));
    expect(metadata.acr_values_supported).toEqual([ACR_ONE_FACTOR, ACR_TWO_FACTORS]);
  });

  it("a password alone: pwd, one factor", async () => {
    const user = await person();
    const { sessionId } = await signInWithPassword(user.email, PASSWORD, META);
    expect(await idTokenOf(sessionId, user)).toEqual({ amr: ["pwd"], acr: ACR_ONE_FACTOR });
  });

  it("a password and the authenticator app's code: pwd, otp, mfa, two factors", async () => {
    const { user, secret } = await personWithTotp();
    const sessionId = await signInWithCode(user, totpCode(secret, new Date()));
    expect(await idTokenOf(sessionId, user)).toEqual({ amr: ["pwd", "otp", "mfa"], acr: ACR_TWO_FACTORS });
  });

  it("a password and a recovery code: pwd, otp, mfa (a single-use code), two factors", async () => {
    const { user, codes } = await personWithTotp();
    const sessionId = await signInWithCode(user, codes[0]);
    expect(await idTokenOf(sessionId, user)).toEqual({ amr: ["pwd", "otp", "mfa"], acr: ACR_TWO_FACTORS });
  });

  it("a passkey with user verification, alone or after the password: swk, user, mfa, two factors", async () => {
    const user = await person();
    expect(await idTokenOf(await sessionMadeBy(user, "passkey", passkeyFactor("cred-1")), user)).toEqual({ amr: ["swk", "user", "mfa"], acr: ACR_TWO_FACTORS });
    expect(await idTokenOf(await sessionMadeBy(user, "password", passkeyFactor("cred-1")), user)).toEqual({ amr: ["pwd", "swk", "user", "mfa"], acr: ACR_TWO_FACTORS });
  });

  it("an external provider or the proxy header: fed, one factor", async () => {
    const user = await person();
    expect(await idTokenOf(await sessionMadeBy(user, "oidc:some-provider"), user)).toEqual({ amr: ["fed"], acr: ACR_ONE_FACTOR });
    expect(await idTokenOf(await sessionMadeBy(user, "header"), user)).toEqual({ amr: ["fed"], acr: ACR_ONE_FACTOR });
  });

  it("a session from before the columns: nothing beyond what its sign-in method says, one factor", async () => {
    const user = await person();
    expect(await idTokenOf(await sessionMadeBy(user, null), user)).toEqual({ amr: undefined, acr: ACR_ONE_FACTOR });
    expect(await idTokenOf(await sessionMadeBy(user, "ldap:dir"), user)).toEqual({ amr: ["pwd"], acr: ACR_ONE_FACTOR });
  });

  it("a refreshed ID token says the same as the first", async () => {
    const { user, secret } = await personWithTotp();
    const sessionId = await signInWithCode(user, totpCode(secret, new Date()));
    const { exchange } = await authorize([await sessionCookie(sessionId, user.id)], { scope: "openid offline_access", prompt: "consent" });
    const tokens = await exchange();
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(app, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ sub: user.id, amr: ["pwd", "otp", "mfa"], acr: ACR_TWO_FACTORS });
  });

  it("a silent renewal says how the browser's live session was signed in, not an earlier one", async () => {
    const { user, secret } = await personWithTotp();
    const jar = [await sessionCookie(await sessionMadeBy(user, "password"), user.id)];
    expect((await (await authorize(jar)).exchange()).claims()!.amr).toEqual(["pwd"]);
    // The same person signs in again in this browser, with their second factor: the provider's session is the same.
    const twoFactors = await signInWithCode(user, totpCode(secret, new Date()));
    jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${SESSION_COOKIE}=`)), await sessionCookie(twoFactors, user.id));
    const silent = await authorize(jar, { prompt: "none" });
    expect(silent.left.searchParams.get("error")).toBeNull();
    expect((await silent.exchange()).claims()).toMatchObject({ amr: ["pwd", "otp", "mfa"], acr: ACR_TWO_FACTORS });
  });
});

describe("an app asking for two factors (acr_values)", () => {
  const twoFactors = { acr_values: ACR_TWO_FACTORS };

  it("a one-factor session of a person with a second factor is sent to confirm it's them, and the two-factor sign-in answers; silently, login_required", async () => {
    const { user, secret } = await personWithTotp();
    // Signed in before the app's request began (a sign-in since answers the request whatever it was).
    const sessionId = await sessionMadeBy(user, "password", null, new Date(Date.now() - 60_000));
    const silent = await authorize([await sessionCookie(sessionId, user.id)], { ...twoFactors, prompt: "none" });
    expect(Object.fromEntries(silent.left.searchParams)).toMatchObject({ error: "login_required", state: "st4te" });

    const verifier = oidc.randomPKCECodeVerifier();
    const jar = [await sessionCookie(sessionId, user.id)];
    const url = oidc.buildAuthorizationUrl(app, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "st4te", nonce: "n0nce", ...twoFactors });
    const { left } = await browseWithin(loopback.base, url, jar);
    expect(left?.pathname).toBe("/login");
    // The page's sign-in: password and the code (a new session), and back to the app's request.
    const twoFactorSession = await signInWithCode(user, totpCode(secret, new Date()));
    jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${SESSION_COOKIE}=`)), await sessionCookie(twoFactorSession, user.id));
    const back = await browseWithin(loopback.base, new URL(left!.searchParams.get("callbackUrl")!, loopback.base), jar);
    const tokens = await oidc.authorizationCodeGrant(app, back.left!, { pkceCodeVerifier: verifier, expectedState: "st4te", expectedNonce: "n0nce" });
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ["pwd", "otp", "mfa"], acr: ACR_TWO_FACTORS });
  });

  it("a two-factor session answers at once", async () => {
    const { user, secret } = await personWithTotp();
    const sessionId = await signInWithCode(user, totpCode(secret, new Date()));
    expect(await idTokenOf(sessionId, user, twoFactors)).toEqual({ amr: ["pwd", "otp", "mfa"], acr: ACR_TWO_FACTORS });
  });

  it("a person with no second factor, or signed in through a provider: the session as it is, its acr one factor (the app decides)", async () => {
    const before = new Date(Date.now() - 60_000);
    const plain = await person();
    expect(await idTokenOf(await sessionMadeBy(plain, "password", null, before), plain, twoFactors)).toEqual({ amr: ["pwd"], acr: ACR_ONE_FACTOR });
    const { user: federated } = await personWithTotp();
    expect(await idTokenOf(await sessionMadeBy(federated, "oidc:some-provider", null, before), federated, twoFactors)).toEqual({ amr: ["fed"], acr: ACR_ONE_FACTOR });
  });
});
