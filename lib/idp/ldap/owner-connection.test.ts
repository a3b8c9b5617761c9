/**
 * Editing the owner's only directory (../owner-connection.ts): a change to how the directory is reached or
 * searched runs "Test connection" on the new settings, then looks for the owner's own entry by the new
 * filter, as part of the save; a failure refuses it with the test's message at its field. Real slapd.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_ADMIN, LDAP_PEOPLE, ldapSettings, startSlapd, type Slapd } from "@/e2e/support/slapd";
import { Invalid } from "@/lib/errors";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, META, startSession, updateUserRow } from "@/test/factories";
import { ldapInputSchema } from "../schemas";
import { getLdapSource, saveLdapSource } from "./source";
import { refusal } from "@/test/refusal";

let slapd: Slapd;

beforeAll(async () => {
  slapd = await startSlapd();
});
afterAll(async () => {
  await slapd?.stop();
});

describe("editing the owner's only directory", () => {
  let owner: Awaited<ReturnType<typeof startSession>>;
  const settings = (more: Record<string, unknown> = {}) => ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", auto_create: true, ...more }));

  beforeAll(async () => {
    const accountId = await createAccount();
    const first = await createUser(accountId, { email: "first-owner@example.com", role: "owner", password: "owner passphrase" });
    await saveLdapSource(await startSession(first), settings(), META);
    // Dora, who signs in through the directory only, becomes the owner.
    const dora = await signInWithPassword(LDAP_PEOPLE.dora.uid, LDAP_PEOPLE.dora.password, META);
    await updateUserRow(first.id, { role: "admin" });
    await updateUserRow(dora.userId, { role: "owner" });
    owner = await startSession({ id: dora.userId, accountId });
  });

  it("refuses a bind the server refuses, at the server's field", async () => {
    const err = await refusal(Invalid, () => saveLdapSource(owner, { bind_password: "not the admin password" }, META));
    expect(err.fieldErrors.url?.[0]).toMatch(/refused the bind DN.*owner's only way in/);
  });

  it("refuses a filter that no longer finds the owner, at the filter, and saves nothing", async () => {
    const user_filter = "(&(objectClass=inetOrgPerson)(uid={username})(employeeType=nobody-has-this))";
    const err = await refusal(Invalid, () => saveLdapSource(owner, { user_filter, bind_password: LDAP_ADMIN.password }, META));
    expect(err.fieldErrors.user_filter?.[0]).toMatch(/no longer finds the owner/);
    expect((await getLdapSource(owner))?.userFilter).not.toBe(user_filter);
  });

  it("saves a filter that still finds the owner", async () => {
    const user_filter = "(&(uid={username})(objectClass=inetOrgPerson))";
    expect(await saveLdapSource(owner, { user_filter, bind_password: LDAP_ADMIN.password }, META)).toMatchObject({ userFilter: user_filter });
  });
});
