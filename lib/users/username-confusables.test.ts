/**
 * A username that looks like another account's is refused (round 13's review). Comparing after NFKC and
 * lower-casing already refuses fullwidth copies; a username may also not mix look-alike alphabets, so
 * "аdmin" with a Cyrillic "а" (U+0430) can't pass for "admin" in Team → Users, in activity, in an app's
 * preferred_username or at the sign-in form. Usernames in one alphabet, and Latin with Han, kana or Hangul,
 * stay allowed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Conflict, Invalid } from "@/lib/errors";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { changeOwnUsername } from "./own-username";
import { isValidUsername, sanitiseUsername } from "./username-rule";

let owner: TestUser;
let member: TestUser;

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", username: "admin" });
  member = await createUser(accountId, { role: "user", username: "member.one" });
  await createUser(accountId, { role: "admin", username: "ops.lead" });
  await createUser(accountId, { role: "user", username: "\u03bf\u03b4\u03bf\u03c2" });
  await createUser(accountId, { role: "user", username: "stra\u00dfe" });
  await setUsernameChangeAllowed(await startSession(owner), true, META);
}, 60_000);

describe("a username that looks like another account's", { timeout: 60_000 }, () => {
  it("a fullwidth copy is taken (NFKC)", async () => {
    await expect(changeOwnUsername(await startSession(member), { username: "ａｄｍｉｎ" }, META)).rejects.toBeInstanceOf(Conflict);
  });

  // Letters whose capital is another's (the attacker review of usernames): "ı" (dotless i) and "i" are both "I", so "admın" is
  // "admin" in another case; lower-casing alone kept them apart, as it kept "ς"/"σ" and "ß"/"ss".
  for (const [variant, of] of [
    ["adm\u0131n", "admin"],
    ["ADM\u0131N", "admin"],
    ["\u03bf\u03b4\u03bf\u03c3", "\u03bf\u03b4\u03bf\u03c2"],
    ["STRASSE", "stra\u00dfe"],
    ["stra\u1e9ee", "stra\u00dfe"],
  ] as const) {
    it(`${JSON.stringify(variant)} is ${JSON.stringify(of)} in another case: taken`, async () => {
      await expect(changeOwnUsername(await startSession(member), { username: variant }, META)).rejects.toBeInstanceOf(Conflict);
    });
  }

  for (const [lookAlike, of] of [
    ["\u0430dmin", "admin"],
    ["ops.l\u0435ad", "ops.lead"],
  ] as const) {
    it(`refuses ${JSON.stringify(lookAlike)} (looks like ${of}), saying why`, async () => {
      const outcome = await changeOwnUsername(await startSession(member), { username: lookAlike }, META).catch((err: unknown) => err);
      expect(outcome).toBeInstanceOf(Invalid);
      expect(JSON.stringify((outcome as Invalid).fieldErrors)).toMatch(/mix alphabets/);
    });
  }
});

describe("the one-alphabet rule", () => {
  it("allows one alphabet, and Latin with Han, kana or Hangul", () => {
    for (const name of ["anna", "анна", "άννα", "山田.taro", "やまだ_2", "김민준", "josé-maría"]) expect(isValidUsername(name), name).toBe(true);
  });

  it("refuses Latin with Cyrillic or Greek, and derives no such username from an email", () => {
    for (const name of ["p\u0430ypal", "g\u03bfogle", "\u0430nna"]) expect(isValidUsername(name), name).toBe(false);
    expect(sanitiseUsername("p\u0430ypal")).toBe("user");
  });
});
