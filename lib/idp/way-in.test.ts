import { beforeAll, describe, expect, it } from "vitest";
import { sealIdpSubject } from "@/lib/db/idp-subject";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { createAccount, createUser, META, startSession, updateUserRow, type TestUser } from "@/test/factories";
import { handleOidcSignIn } from "./oidc";
import { createProvider, setProviderEnabled } from "./providers";
import { providerInputSchema } from "./schemas";
import { getSignInSettings, setLocalSignIn, updateTrustedHeader } from "./sign-in-settings";
import { signInOptions } from "./sign-in-options";
import { ownerWaysIn, type SignInState } from "./way-in";

let ownerUser: TestUser;
let owner: Awaited<Awaited<ReturnType<typeof startSession>>>;

beforeAll(async () => {
  const accountId = await createAccount();
  ownerUser = await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" });
  owner = await startSession(ownerUser);
});

const events = async () => (await db().select().from(activityEvents)).length;
const header = (enabled: boolean) => ({
  enabled,
  trusted_ranges: enabled ? ["10.0.0.0/8"] : [],
  user_header: "Remote-User",
  email_header: null,
  name_header: null,
  auto_create: false,
  default_role: "user" as const,
});

describe("the owner always keeps a way in", () => {
  it("refuses turning the local form off while it is the owner's only way in, and changes nothing", async () => {
    const before = await events();
    await expect(setLocalSignIn(owner, { local_login_enabled: false }, META)).rejects.toThrow(PreconditionFailed);
    expect((await getSignInSettings(owner)).localLoginEnabled).toBe(true);
    expect((await signInOptions()).localLoginEnabled).toBe(true);
    expect(await events()).toBe(before);
  });

  it("allows it once the owner signs in through an enabled provider, then refuses disabling that provider", async () => {
    const p = await createProvider(
      owner,
      providerInputSchema.parse({ type: "oidc", name: "Owner IdP", issuer: "https://idp.example.com", client_id: "c", client_secret: "s", signup_policy: "existing", allow_linking: true }),
      META,
    );
    // The owner is never linked by email; an owner bound to the provider (say, after ownership moved to a provider user) signs in through it.
    await updateUserRow(ownerUser.id, { ...sealIdpSubject(ownerUser.id, p.id, "owner-sub"), passwordHash: null });
    expect((await handleOidcSignIn(p.id, { sub: "owner-sub", email: "owner@example.com", email_verified: true }, META)).userId).toBe(ownerUser.id);
    await setLocalSignIn(owner, { local_login_enabled: false }, META);
    expect((await getSignInSettings(owner)).localLoginEnabled).toBe(false);
    expect((await signInOptions()).localLoginEnabled).toBe(false);
    await expect(setProviderEnabled(owner, p.id, false, META)).rejects.toThrow(PreconditionFailed);

    // The proxy header is no way in for an owner it would only know by email.
    await updateTrustedHeader(owner, header(true), META);
    await expect(setProviderEnabled(owner, p.id, false, META)).rejects.toThrow(PreconditionFailed);
    await updateTrustedHeader(owner, header(false), META);
    expect((await getSignInSettings(owner)).headerEnabled).toBe(false);
  });
});

describe("ownerWaysIn", () => {
  const state = (over: Partial<SignInState>): SignInState => ({
    localLoginEnabled: false,
    headerEnabled: false,
    enabledProviderIds: new Set(),
    enabledLdapSourceId: null,
    ...over,
  });

  it("counts the proxy header only for an owner who came in through it", async () => {
    // A local owner (whose row, like every user's, has an email index).
    const local = { passwordHash: "hash", idpId: null, idpSubject: null, emailIndex: "blind index of the owner's email" };
    expect(ownerWaysIn(local, state({ headerEnabled: true }))).toEqual([]);
    expect(ownerWaysIn(local, state({ headerEnabled: true, localLoginEnabled: true }))).toEqual(["local"]);
    expect(ownerWaysIn({ passwordHash: null, idpId: "header", idpSubject: "olive" }, state({ headerEnabled: true }))).toEqual(["header"]);
    expect(ownerWaysIn({ passwordHash: null, idpId: "header", idpSubject: "olive" }, state({ headerEnabled: false }))).toEqual([]);
  });
});
