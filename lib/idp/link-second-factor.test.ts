/**
 * Review 47: linking by verified email against the account's own second factor. Providers sign people in with no
 * second step here (their own provider asks for one), so a provider that links an existing account by its verified
 * email hands whoever holds that address at the provider a session with neither the password nor the authenticator
 * app or passkey the person set up here: exactly the mailbox takeover a second factor is for ("Forgot password?"
 * still asks it). An account protected by a second factor is never linked by email; the person links after removing
 * their factors in Profile (with the proof), or an admin resets them.
 *
 * And under an address nobody had proven, the factors the one who set the account up added (the recruiter of review
 * 10a) end with their password and sessions when the address's owner arrives: the proxy's match by email leaves the
 * account local, where such a passkey signed in on its own.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { acceptInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { parseAuthenticationResponse } from "@/lib/mfa/passkey-records";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/mfa/passkeys";
import { mfaSummary } from "@/lib/mfa/records";
import { totpCode } from "@/lib/mfa/totp";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { resolveSession } from "@/lib/sessions/sessions";
import { PasskeySignInFailed, passwordlessOptions, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { SecondStepRequired } from "@/lib/mfa/second-step";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, lastEvent, META, setPublicAddress, startSession, userRow } from "@/test/factories";
import { refusal } from "@/test/refusal";
import { softwarePasskey } from "@/test/software-authenticator";
import { ExternalSignInRefused } from "./external-sign-in";
import { handleOidcSignIn } from "./oidc";
import { createProvider } from "./providers";
import { providerInputSchema } from "./schemas";
import { updateTrustedHeader } from "./sign-in-settings";
import { signInWithTrustedHeader } from "./trusted-header";

const ORIGIN = "https://team.example.com";
const PASSWORD = "a long and unusual passphrase 47";

let accountId: string;
let owner: SessionActor;
let providerId: string;

beforeAll(async () => {
  accountId = await createAccount();
  await setPublicAddress(accountId, ORIGIN);
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  const provider = await createProvider(
    owner,
    providerInputSchema.parse({ type: "oidc", name: "Social IdP", issuer: "https://idp.example.net", client_id: "c", client_secret: "s", signup_policy: "open", allow_linking: true }),
    META,
  );
  providerId = provider.id;
});

async function withAuthenticatorApp(email: string) {
  const user = await createUser(accountId, { email, password: PASSWORD });
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
  await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META);
  return user;
}

async function registerPasskey(actor: SessionActor, password: string) {
  const passkey = softwarePasskey(actor.userId);
  const created = await startPasskeyRegistration(actor, { password }, META);
  await finishPasskeyRegistration(actor, { name: "Laptop", response: passkey.register(created, ORIGIN) }, META);
  return passkey;
}

async function passwordlessSignIn(passkey: ReturnType<typeof softwarePasskey>, browser: string) {
  const options = await passwordlessOptions(browser, META);
  return signInWithPasskey(browser, parseAuthenticationResponse(JSON.stringify(passkey.assert(options, ORIGIN)))!, META);
}

describe("a provider's verified email and an account with a second factor (review 47)", () => {
  it("doesn't link an account with an authenticator app: the mailbox alone would skip the code", async () => {
    const member = await withAuthenticatorApp("tara@example.com");
    const err = await refusal(ExternalSignInRefused, () => handleOidcSignIn(providerId, { sub: "attacker-1", email: "tara@example.com", email_verified: true }, META));
    expect(err.reason).toBe("second_factor_account");
    expect(err.message).toContain("two-factor");
    expect((await userRow(member.id))!.idpId, "not linked").toBeNull();
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", targetId: member.id, details: expect.objectContaining({ reason: "second_factor_account" }) });
    // Her own way in still asks for the code.
    await expect(signInWithPassword("tara@example.com", PASSWORD, META)).rejects.toBeInstanceOf(SecondStepRequired);
  });

  it("doesn't link an account with a passkey either", async () => {
    const member = await createUser(accountId, { email: "uma@example.com", password: PASSWORD });
    await registerPasskey(await startSession(member), PASSWORD);
    const err = await refusal(ExternalSignInRefused, () => handleOidcSignIn(providerId, { sub: "attacker-2", email: "UMA@example.com", email_verified: true }, META));
    expect(err.reason).toBe("second_factor_account");
    expect((await userRow(member.id))!.idpId).toBeNull();
  });

  it("still links an account without a second factor (the setting's purpose)", async () => {
    const member = await createUser(accountId, { email: "vic@example.com", password: PASSWORD });
    const signed = await handleOidcSignIn(providerId, { sub: "vic-1", email: "vic@example.com", email_verified: true }, META);
    expect(signed).toMatchObject({ userId: member.id, linked: true });
  });
});

describe("an address nobody had proven, taken by its owner: the factors set up under it end (review 47)", () => {
  let recruiterRoleId: string;
  const ritasPassword = "rita's passphrase for the cfo 47";

  beforeAll(async () => {
    recruiterRoleId = (await createRole(owner, roleInputSchema.parse({ name: "Recruiter 47", description: "", permissions: ["invites:read", "invites:create"] }), META)).id;
  });

  /** A recruiter invites an address that isn't theirs, accepts the link with their own password and adds a passkey. */
  async function recruiterSetsUp(email: string) {
    const rita = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, rita.id, { role_ids: [recruiterRoleId] }, META);
    const { token } = await createInvite(await startSession(rita), createInviteSchema.parse({ email, name: "CFO", role: "user", expires_in: 86_400 }), META);
    const cfo = await acceptInvite(token, ritasPassword, META);
    expect((await userRow(cfo.userId))!.emailVerifiedAt).toBeNull();
    const passkey = await registerPasskey(await startSession({ id: cfo.userId, accountId }), ritasPassword);
    expect((await passwordlessSignIn(passkey, "rita-before")).userId, "the recruiter's passkey signs in before").toBe(cfo.userId);
    return { cfo, passkey };
  }

  it("the proxy's match by email: the recruiter's passkey no longer signs in to the account", async () => {
    const { cfo, passkey } = await recruiterSetsUp("cfo47-proxy@example.com");
    await updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.47.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email" }, META);
    const headers = new Headers({ [PEER_HEADER]: "10.47.0.9", "remote-user": "cfo47", "remote-email": "cfo47-proxy@example.com" });
    const signed = await signInWithTrustedHeader(headers, META);
    expect(signed.userId).toBe(cfo.userId);
    await expect(passwordlessSignIn(passkey, "rita-after"), "the recruiter's passkey").rejects.toBeInstanceOf(PasskeySignInFailed);
    expect(await mfaSummary(db(), cfo.userId)).toMatchObject({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    expect(await resolveSession(signed.sessionId)).toMatchObject({ userId: cfo.userId });
  });

  it("a provider's link: the factors set up under the unproven address are gone with the password", async () => {
    const { cfo } = await recruiterSetsUp("cfo47-link@example.com");
    const signed = await handleOidcSignIn(providerId, { sub: "cfo47", email: "cfo47-link@example.com", email_verified: true }, META);
    expect(signed).toMatchObject({ userId: cfo.userId, linked: true });
    expect(await mfaSummary(db(), cfo.userId)).toMatchObject({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
  });
});
