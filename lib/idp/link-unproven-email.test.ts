/**
 * Review 10a: linking by verified email must not hand an account someone else set up under an address they
 * never proved. Anyone who may invite (a recruiter role: invites:create, no user management) gets an invite's
 * link back and can accept it themselves, with a password of their choosing, for an address that isn't
 * theirs (the account's email stays unproven: lib/invites/inviter-rule.ts inviterVouchesForEmail). When the
 * address's real owner later signs in through a provider that links by verified email, the link kept that
 * password, the recruiter's session and the access token they minted: the recruiter went on reaching the
 * account its owner now uses (a pre-account takeover). An account whose address nobody had proven keeps
 * nothing set up before the link: no password, no session, no access token.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { acceptInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { resolveSession } from "@/lib/sessions/sessions";
import { SignInFailed, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { handleOidcSignIn } from "./oidc";
import { createProvider } from "./providers";
import { providerInputSchema } from "./schemas";
import { updateTrustedHeader } from "./sign-in-settings";
import { signInWithTrustedHeader } from "./trusted-header";

let accountId: string;
let owner: SessionActor;
let recruiterRoleId: string;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  recruiterRoleId = (await createRole(owner, roleInputSchema.parse({ name: "Recruiter", description: "", permissions: ["invites:read", "invites:create"] }), META)).id;
});

const ritasPassword = "rita's passphrase for the cfo 71";

/** A recruiter invites an address that isn't theirs, accepts the link with their own password, signs in and mints a token. */
async function recruiterSetsUp(email: string) {
  const rita = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, rita.id, { role_ids: [recruiterRoleId] }, META);
  const { token } = await createInvite(await startSession(rita), createInviteSchema.parse({ email, name: "CFO", role: "user", expires_in: 86_400 }), META);
  const cfo = await acceptInvite(token, ritasPassword, META);
  expect((await userRow(cfo.userId))!.emailVerifiedAt).toBeNull();
  const ritasSession = await signInWithPassword(email, ritasPassword, META);
  const { plain: ritasToken } = await createAccessToken(await startSession({ id: cfo.userId, accountId }), cfo.userId, { name: "keep", expires_in: 365 }, META, { password: ritasPassword });
  return { cfo, ritasSession, ritasToken };
}

async function expectRecruiterLockedOut(email: string, userId: string, ritasSessionId: string, ritasToken: string) {
  expect((await userRow(userId))!.passwordHash, "the recruiter's password").toBeNull();
  await expect(signInWithPassword(email, ritasPassword, META)).rejects.toBeInstanceOf(SignInFailed);
  expect(await resolveSession(ritasSessionId), "the recruiter's session").toBeNull();
  expect(await authenticateAccessToken(ritasToken), "the recruiter's access token").toBeNull();
}

describe("linking an account whose address nobody had proven", () => {
  it("keeps nothing the recruiter who accepted the invite set up: no password, no session, no access token", async () => {
    const { cfo, ritasSession, ritasToken } = await recruiterSetsUp("cfo@example.com");

    // The CFO signs in with the company's provider, which links by verified email.
    const provider = await createProvider(
      owner,
      providerInputSchema.parse({ type: "oidc", name: "Company SSO", issuer: "https://sso.example.com", client_id: "c", client_secret: "s", signup_policy: "existing", allow_linking: true }),
      META,
    );
    const signed = await handleOidcSignIn(provider.id, { sub: "cfo-1", email: "cfo@example.com", email_verified: true }, META);
    expect(signed).toMatchObject({ userId: cfo.userId, linked: true });

    await expectRecruiterLockedOut("cfo@example.com", cfo.userId, ritasSession.sessionId, ritasToken);
    // The CFO's own sign-in stands.
    expect(await resolveSession(signed.sessionId)).toMatchObject({ userId: cfo.userId });
  });

  it("the proxy's match by email doesn't sign the address's owner in to the recruiter's account as it is either", async () => {
    const { cfo, ritasSession, ritasToken } = await recruiterSetsUp("cfo-proxy@example.com");
    await updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email" }, META);
    const headers = new Headers({ [PEER_HEADER]: "10.1.0.9", "remote-user": "cfo", "remote-email": "cfo-proxy@example.com" });
    const signed = await signInWithTrustedHeader(headers, META);
    expect(signed.userId).toBe(cfo.userId);
    await expectRecruiterLockedOut("cfo-proxy@example.com", cfo.userId, ritasSession.sessionId, ritasToken);
    expect((await userRow(cfo.userId))!.emailVerifiedAt, "the proxy vouched for the address").toBeInstanceOf(Date);
    expect(await resolveSession(signed.sessionId)).toMatchObject({ userId: cfo.userId });
  });
});
