/**
 * Review 47: what a provider's claims can do once Auth.js has checked the ID token (issuer, audience, azp, expiry,
 * nonce; lib/sign-in/oidc-providers.ts): the claims are the attacker's where they hold an account at the provider,
 * or the provider itself is theirs. Each is an attack that held, kept so that it keeps holding.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { createGroup } from "@/lib/groups/groups";
import { deleteUser } from "@/lib/users/lifecycle";
import { openIdentity } from "@/lib/users/records";
import { createAccount, createUser, META, startSession, updateUserRow, userRow } from "@/test/factories";
import { refusal } from "@/test/refusal";
import { ExternalSignInRefused } from "./external-sign-in";
import { handleOidcSignIn, ProviderUnavailable } from "./oidc";
import { createProvider } from "./providers";
import { providerInputSchema } from "./schemas";

let accountId: string;
let owner: SessionActor;
let open: string;
let linking: string;
let other: string;
let closed: string;

async function provider(name: string, overrides: Record<string, unknown>): Promise<string> {
  const input = { type: "oidc", name, issuer: `https://${name.toLowerCase().replace(/\W/g, "")}.example.net`, client_id: "c", client_secret: "s", ...overrides };
  return (await createProvider(owner, providerInputSchema.parse(input), META)).id;
}

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  open = await provider("Open IdP", { signup_policy: "open" });
  linking = await provider("Linking IdP", { signup_policy: "open", allow_linking: true });
  other = await provider("Other IdP", { signup_policy: "open", allow_linking: true });
  closed = await provider("Closed IdP", { signup_policy: "existing", allow_linking: true });
});

const reason = async (run: () => Promise<unknown>) => (await refusal(ExternalSignInRefused, run)).reason;

describe("emails that look like someone's (review 47)", () => {
  it("a look-alike of an existing address is no address at all, never that person's", async () => {
    const alice = await createUser(accountId, { email: "alice47@example.com" });
    const strasse = await createUser(accountId, { email: "strasse47@example.com" });
    const kelvin = await createUser(accountId, { email: "kelvin47@example.com" });
    for (const email of [
      "ａｌｉｃｅ47@example.com", // full-width letters (NFKC folds them to alice47)
      "alice47@example.com.", // the domain's trailing dot
      "alice47@example.com\u200b", // a zero-width space
      "alice47@exаmple.com", // a Cyrillic а
      "straße47@example.com", // ß, which upper-cases to SS
      "\u212Aelvin47@example.com", // the Kelvin sign, which lower-cases to k
    ]) {
      expect(await reason(() => handleOidcSignIn(linking, { sub: `look-${email}`, email, email_verified: true }, META)), email).toBe("no_email");
    }
    for (const u of [alice, strasse, kelvin]) expect((await userRow(u.id))!.idpId).toBeNull();
  });

  it("plus-addressing is another address: a new person, not the one without the tag", async () => {
    const bob = await createUser(accountId, { email: "bob47@example.com" });
    const signed = await handleOidcSignIn(linking, { sub: "bob-plus", email: "bob47+sso@example.com", email_verified: true }, META);
    expect(signed.userId).not.toBe(bob.id);
    expect(signed.created).toBe(true);
  });

  it("email_verified must be true itself: absent, false, \"false\", 1 or \"yes\" link nobody", async () => {
    const carol = await createUser(accountId, { email: "carol47@example.com" });
    for (const verified of [undefined, false, "false", 1, "yes", "TRUE"]) {
      const claims = { sub: `carol-${String(verified)}`, email: "carol47@example.com", ...(verified === undefined ? {} : { email_verified: verified }) };
      expect(await reason(() => handleOidcSignIn(linking, claims, META)), String(verified)).toBe("email_not_verified");
    }
    expect((await userRow(carol.id))!.idpId).toBeNull();
  });
});

describe("subjects and two providers (review 47)", () => {
  it("two providers claiming one address: the first links, the second is refused", async () => {
    const dan = await createUser(accountId, { email: "dan47@example.com" });
    expect(await handleOidcSignIn(linking, { sub: "dan", email: "dan47@example.com", email_verified: true }, META)).toMatchObject({ userId: dan.id, linked: true });
    expect(await reason(() => handleOidcSignIn(other, { sub: "dan", email: "dan47@example.com", email_verified: true }, META))).toBe("email_taken");
  });

  it("a subject is the provider's: the same sub at another provider is someone else", async () => {
    const first = await handleOidcSignIn(open, { sub: "shared-sub-1", email: "erin47@example.com", email_verified: true }, META);
    const second = await handleOidcSignIn(other, { sub: "shared-sub-1", email: "frank47@example.com", email_verified: true }, META);
    expect(second.userId).not.toBe(first.userId);
  });

  it("a bound subject keeps its account whatever email it later brings, and a new email takes over nobody", async () => {
    const gina = await createUser(accountId, { email: "gina47@example.com" });
    const first = await handleOidcSignIn(open, { sub: "hank", email: "hank47@example.com", email_verified: true }, META);
    const again = await handleOidcSignIn(open, { sub: "hank", email: "gina47@example.com", email_verified: true }, META);
    expect(again.userId).toBe(first.userId);
    expect(openIdentity((await userRow(first.userId))!).email, "the stored address stays").toBe("hank47@example.com");
    expect((await userRow(gina.id))!.idpId).toBeNull();
  });

  it("a blocked person's link signs nobody in; a deleted person's subject is not brought back where nobody new may come", async () => {
    const ivy = await handleOidcSignIn(closed, { sub: "ivy", email: "ivy47@example.com", email_verified: true }, META).catch(() => null);
    expect(ivy, "closed: nobody new").toBeNull();
    const jo = await createUser(accountId, { email: "jo47@example.com" });
    await handleOidcSignIn(closed, { sub: "jo", email: "jo47@example.com", email_verified: true }, META);
    await updateUserRow(jo.id, { isBlocked: true });
    expect(await reason(() => handleOidcSignIn(closed, { sub: "jo", email: "jo47@example.com", email_verified: true }, META))).toBe("blocked_user");
    await updateUserRow(jo.id, { isBlocked: false });
    await deleteUser(owner, jo.id, META);
    expect(await reason(() => handleOidcSignIn(closed, { sub: "jo", email: "jo47@example.com", email_verified: true }, META))).toBe("not_invited");
  });

  it("no subject, an empty one or one that isn't a string: nobody", async () => {
    for (const sub of [undefined, "", 42, ["a"], { id: "a" }]) {
      await expect(handleOidcSignIn(open, { sub, email: "kim47@example.com", email_verified: true }, META), String(sub)).rejects.toBeInstanceOf(ProviderUnavailable);
    }
  });
});

describe("what the claims can't give (review 47)", () => {
  it("role, roles, groups and admin claims give nothing: the provider's default role and groups only", async () => {
    const admins = await createGroup(owner, { name: "admins47" }, META);
    const signed = await handleOidcSignIn(
      open,
      { sub: "mallory", email: "mallory47@example.com", email_verified: true, role: "owner", roles: ["admin"], groups: ["admins47", admins.id], is_admin: true, "latchkey:role": "admin" },
      META,
    );
    const row = (await userRow(signed.userId))!;
    expect(row.role).toBe("user");
    expect(await groupIdsOfUser(db(), accountId, signed.userId)).toEqual([]);
  });

  it("a name that is markup, or a megabyte, is stored as one line of text of at most 100 characters", async () => {
    const markup = await handleOidcSignIn(open, { sub: "markup", email: "markup47@example.com", email_verified: true, name: "<img src=x onerror=alert(1)>\nAdmin" }, META);
    expect(openIdentity((await userRow(markup.userId))!).name).toBe("<img src=x onerror=alert(1)> Admin");
    const huge = await handleOidcSignIn(open, { sub: "huge", email: "huge47@example.com", email_verified: true, name: "N".repeat(1024 * 1024), preferred_username: "u".repeat(100_000) }, META);
    const row = openIdentity((await userRow(huge.userId))!);
    expect(row.name.length).toBeLessThanOrEqual(100);
    expect(row.username.length).toBeLessThanOrEqual(64);
  });
});
