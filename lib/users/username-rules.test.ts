/**
 * The look-alike rules of the attacker review of usernames, against the real database (both dialects):
 * a new username keeps to one script (Unicode TR39's Highly Restrictive: one script, or Latin with Han and
 * kana, with Han and Bopomofo, or with Han and Hangul), and ".", "_", "-" sit only between other characters,
 * one at a time. Refusals say why on the username field. Usernames derived from a source are made to pass, so
 * a sign-in never fails on the rules; usernames stored before them keep working until they are changed.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { invites } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { signInExternal, type ExternalPolicy } from "@/lib/idp/external-sign-in";
import { acceptInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { sealInvitePii } from "@/lib/invites/records";
import { acceptInviteSchema, createInviteSchema } from "@/lib/invites/schemas";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { SignInFailed, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import type { SignInLimits } from "@/lib/config";
import { createAccount, createUser as createTestUser, META, openWayIn, startSession, type TestUser, userRow } from "@/test/factories";
import { createUser, updateUser } from "./lifecycle";
import { changeOwnUsername } from "./own-username";
import { openIdentity } from "./records";
import { createUserSchema, updateUserSchema } from "./schemas";
import { USERNAME_EDGES, USERNAME_MIXED_SCRIPTS, isValidUsername, sanitiseUsername, usernameBaseFor, usernameSchema } from "./username-rule";
import { SCRIPTS } from "./username-scripts";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 1000, delaySeconds: 1, maxDelaySeconds: 1, ipFreeAttempts: 1000, lockoutFailures: 1000, lockoutWindowSeconds: 60 };

/** The messages the schema gives a username ([] when it is accepted). */
const refusals = (username: string) => {
  const parsed = usernameSchema.safeParse(username);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
};

describe("the username schema", () => {
  it("accepts one script, and Latin with Japanese, Chinese or Korean writing", () => {
    for (const name of [
      "anna", "josé-maría", "ada_l-1", "a.b_c-d",
      "анна", "Иван_2", // Cyrillic alone
      "Ελένη", "άννα.3", // Greek alone
      "김민준", "kim.민준", "李민준", // Korean; with Latin; with Han
      "山田たろう", "山田.taro", "ヤマダ_太郎", "東京タワー", "tanaka太郎たろうタロウ", // Japanese: Han, Hiragana, Katakana with Latin
      "王小明", "ㄅㄆ王", "wang.ㄅㄆ", // Chinese, with Bopomofo
      "محمد", "דוד", "ქეთი", "Հայկ", // Arabic, Hebrew, Georgian, Armenian alone
    ]) {
      expect(refusals(name), name).toEqual([]);
    }
  });

  it("refuses letters of two scripts outside those combinations, saying so", () => {
    for (const name of [
      "\u0430dmin", // Cyrillic а + Latin
      "p\u0430ypal",
      "g\u03bfogle", // Greek ο + Latin
      "\u0430\u03b2", // Cyrillic + Greek
      "王иван", // Han + Cyrillic
      "김たろう", // Hangul + Hiragana: no allowed combination holds both
      "ㄅㄆたろう", // Bopomofo + Hiragana
      "aمحمد", // Latin + Arabic
      "\u0430dmin2", // digits go with any script, and don't excuse the mix
    ]) {
      expect(refusals(name), name).toEqual([USERNAME_MIXED_SCRIPTS]);
    }
  });

  it("refuses \".\", \"_\" or \"-\" at either end or twice in a row, saying so", () => {
    for (const name of ["bob.", "-bob", "_bob", "bob_", "bo..b", "bo._b", "b-_-b", ".", "bob\uff0e" /* fullwidth full stop: "." after NFKC */]) {
      expect(refusals(name), name).toEqual([USERNAME_EDGES]);
    }
    expect(refusals(" bob ")).toEqual([]); // the surrounding spaces are trimmed, not refused
  });

  it("still refuses other characters with the characters message, and only that", () => {
    expect(refusals("bob smith")).toEqual(['Username may contain only letters, digits, ".", "_" and "-"']);
  });

  it("knows every script the engine gives a letter or digit (SCRIPTS is the vocabulary, not a table of code points)", () => {
    const known = new RegExp(`[${SCRIPTS.map((s) => `\\p{Script_Extensions=${s}}`).join("")}\\p{Script_Extensions=Common}\\p{Script_Extensions=Inherited}]`, "u");
    const usernameCharacter = /[\p{L}\p{Nd}]/u;
    const unknown: string[] = [];
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      if (usernameCharacter.test(char) && !known.test(char)) unknown.push(code.toString(16));
    }
    expect(unknown).toEqual([]);
  });
});

describe("a derived username", () => {
  it("drops punctuation at the ends and in runs", () => {
    expect(sanitiseUsername("-Bob.")).toBe("Bob");
    expect(sanitiseUsername("__a.-b__")).toBe("a.b");
    expect(usernameBaseFor({ email: "-Bob.@example.com", name: "Bob" })).toBe("Bob");
  });

  it("from a source mixing scripts falls back as one with nothing usable does: the name, else \"user\"", () => {
    expect(usernameBaseFor({ email: "p\u0430ypal@example.com", name: "Pay Pal" })).toBe("Pay.Pal");
    expect(usernameBaseFor({ email: "p\u0430ypal@example.com", name: "\u0430dmin" })).toBe("user");
    expect(usernameBaseFor({ email: "山田.taro@example.jp", name: "Taro" })).toBe("山田.taro");
    for (const derived of [sanitiseUsername("..x..y.."), usernameBaseFor({ email: "\u0430dmin" })]) expect(isValidUsername(derived), derived).toBe(true);
  });
});

let accountId: string;
let owner: SessionActor;
let old: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createTestUser(accountId, { role: "owner", username: "rules.owner" }));
  // Stored before the rules (as an upgraded instance has them): kept and usable.
  old = await createTestUser(accountId, { role: "user", username: "bob.", password: PASSWORD });
  await setUsernameChangeAllowed(owner, true, META);
}, 60_000);

const fieldErrorsOf = async (outcome: Promise<unknown>) => {
  const err = await outcome.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Invalid);
  return (err as Invalid).fieldErrors;
};

describe("setting a username", { timeout: 60_000 }, () => {
  it("refuses a look-alike on create, on the username field", async () => {
    expect(await fieldErrorsOf((async () => createUser(owner, parseOrThrow(createUserSchema, { role: "user", name: "Edge", username: "-bob" }), META))())).toEqual({
      username: [USERNAME_EDGES],
    });
  });

  it("refuses a changed username that breaks a rule (user page, PUT /api/users/{id}, Profile)", async () => {
    const member = await createTestUser(accountId, { role: "user", username: "plain.member" });
    const input = parseOrThrow(updateUserSchema.partial(), { username: "\u0430dmin" });
    expect(await fieldErrorsOf(updateUser(owner, member.id, input, META))).toEqual({ username: [USERNAME_MIXED_SCRIPTS] });
    expect(await fieldErrorsOf(changeOwnUsername(await startSession(member), { username: "member." }, META))).toEqual({ username: [USERNAME_EDGES] });
  });
});

describe("an invite's username", { timeout: 60_000 }, () => {
  let ip = 0;
  const fromNewAddress = () => ({ ...META, ip: `198.51.100.${++ip}` });
  const inviteInput = (fields: Record<string, unknown>) => parseOrThrow(createInviteSchema, { name: "Ivy Invitee", role: "user", ...fields });

  it("named by the admin meets the rules", async () => {
    expect(await fieldErrorsOf((async () => inviteInput({ username: "ivy-" }))())).toEqual({ username: [USERNAME_EDGES] });
  });

  it("picked by the invitee meets the rules, and the invite stays usable", async () => {
    const { token } = await createInvite(owner, inviteInput({ name: "Link Ivy" }), META);
    expect(await fieldErrorsOf(acceptInvite(token, PASSWORD, fromNewAddress(), new Date(), "аivy"))).toEqual({ username: [USERNAME_MIXED_SCRIPTS] });
    await expect(acceptInvite(token, PASSWORD, fromNewAddress(), new Date(), "ivy.link")).resolves.toMatchObject({ username: "ivy.link" });
  });

  it("kept for an invite before the rules is accepted as the page sends it back", async () => {
    const { token, invite } = await createInvite(owner, inviteInput({ name: "Kit Kept", username: "kit" }), META);
    await writeSystem(async (tx) => {
      const { usernameCiphertext, usernameIndex } = sealInvitePii(invite.id, null, "Kit Kept", "kit.");
      await tx.update(invites).set({ usernameCiphertext, usernameIndex }).where(eq(invites.id, invite.id));
    });
    // As the invite page and POST /api/invites/{token}/accept read it.
    const sent = () => parseOrThrow(acceptInviteSchema, { password: PASSWORD, username: "kit." });
    await expect(acceptInvite(token, PASSWORD, fromNewAddress(), new Date(), sent().username)).resolves.toMatchObject({ username: "kit." });
  });
});

describe("a username stored before the rules", { timeout: 60_000 }, () => {
  it("still signs in, in any case", async () => {
    await expect(signInWithPassword("bob.", PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: old.id });
    await expect(signInWithPassword("BOB.", PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: old.id });
    await expect(signInWithPassword("bob.", "not the password at all", META, new Date(), LIMITS)).rejects.toBeInstanceOf(SignInFailed);
  });

  it("may be sent back unchanged with another change, and by its holder on Profile", async () => {
    const input = parseOrThrow(updateUserSchema.partial(), { username: "bob.", name: "Bob Dotted" });
    const updated = await updateUser(owner, old.id, input, META);
    expect(updated).toMatchObject({ username: "bob.", name: "Bob Dotted" });
    await expect(changeOwnUsername(await startSession(old), { username: "bob." }, META)).resolves.toMatchObject({ username: "bob." });
  });

  it("changed to another username, the new one meets the rules", async () => {
    expect(await fieldErrorsOf(updateUser(owner, old.id, parseOrThrow(updateUserSchema.partial(), { username: "bob.." }), META))).toEqual({ username: [USERNAME_EDGES] });
    const renamed = await updateUser(owner, old.id, parseOrThrow(updateUserSchema.partial(), { username: "bob.d" }), META);
    expect(renamed.username).toBe("bob.d");
  });
});

describe("a sign-in from a source", { timeout: 60_000 }, () => {
  const policy: ExternalPolicy = { method: "ldap", sourceName: "Corp Directory", signup: "open", allowedDomains: [], allowLinking: false, matchByEmail: false, defaultRole: "user", defaultGroups: [] };
  const usernameOf = async (userId: string) => openIdentity((await userRow(userId))!).username;
  beforeAll(() => openWayIn(accountId, "ldap", "ldap-rules"));

  it("whose username has punctuation at the ends gets a valid one, and goes through", async () => {
    const signed = await signInExternal(accountId, { idpId: "ldap-rules", subject: "edge-bob", email: null, emailVerified: false, name: "Bob Edge", username: "-Bob." }, policy, META);
    expect(await usernameOf(signed.userId)).toBe("Bob");
  });

  it("whose username mixes scripts falls back to the email, else the name", async () => {
    const withEmail = await signInExternal(accountId, { idpId: "ldap-rules", subject: "mixed-1", email: "mixed.one@rules.example", emailVerified: true, name: "Mixed One", username: "p\u0430ypal" }, policy, META);
    expect(await usernameOf(withEmail.userId)).toBe("mixed.one");
    const withoutEmail = await signInExternal(accountId, { idpId: "ldap-rules", subject: "mixed-2", email: null, emailVerified: false, name: "Иван Smith", username: "\u0430dmin" }, policy, META);
    expect(await usernameOf(withoutEmail.userId)).toMatch(/^user\d*$/);
  });
});
