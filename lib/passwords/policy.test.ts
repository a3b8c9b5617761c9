/**
 * Every path that sets a password goes through this policy: setup, changing
 * one's own password, accepting an invite, and an admin's reset with a typed password. (Generated
 * passwords are 24 random characters.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInviteSchema } from "@/lib/invites/schemas";
import { setupInputSchema } from "@/lib/setup/setup";
import { resetPasswordSchema, resetUserPassword } from "@/lib/users/access-control";
import { changeOwnPassword, changePasswordSchema } from "@/lib/users/password";
import { createAccount, createUser, META } from "@/test/factories";
import { isCommonPassword, knownWords, newPasswordSchema, passwordProblem } from "./policy";

const PASSWORD = "a long and unusual passphrase";
let admin: SessionActor;
let bob: SessionActor & { email: string };

beforeAll(async () => {
  const accountId = await createAccount();
  const a = await createUser(accountId, { role: "admin", name: "Ada Admin" });
  const b = await createUser(accountId, { role: "user", name: "Bob Builder Longname", email: "bob.builder@example.com", password: PASSWORD });
  admin = { kind: "session", sessionId: "a", accountId, userId: a.id, role: "admin", mustChangePassword: false };
  bob = { kind: "session", sessionId: "b", accountId, userId: b.id, role: "user", mustChangePassword: false, email: b.email };
});

/** The field messages of the Invalid a parse throws. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof Invalid) return JSON.stringify(err.fieldErrors);
    throw err;
  }
  return "accepted";
}

describe("the password policy", () => {
  it("knows the 10,000 common passwords, in any case", async () => {
    expect(isCommonPassword("password1")).toBe(true);
    expect(isCommonPassword("PassWord1")).toBe(true);
    expect(isCommonPassword(PASSWORD)).toBe(false);
    expect(newPasswordSchema.safeParse("iloveyou").success).toBe(false);
    // Normalised first: surrounding spaces and full-width forms don't make a common password new.
    expect(isCommonPassword("password1 ")).toBe(true);
    expect(isCommonPassword("ｐａｓｓｗｏｒｄ1")).toBe(true);
  });

  it("knows the person's name and email parts, alone and together, and the app's name", async () => {
    expect(knownWords({ name: "Bob Builder", email: "bob.b@example.com" })).toEqual(
      expect.arrayContaining(["latchkey", "bob builder", "bob", "builder", "bobbuilder", "bob.b@example.com", "bob.b", "example"]),
    );
  });

  it("refuses weak passwords by estimated guesses, saying why", async () => {
    const ada = { email: "ada.lovelace@example.com", name: "Ada Lovelace" };
    for (const weak of ["password1 ", "Summer2024", "aaaaaaaa", "latchkey1", "Ada Lovelace1", "adalovelace1", "lovelace2024", " Ada.Lovelace@Example.com "]) {
      const problem = await passwordProblem(weak, ada);
      expect(problem, `accepted ${JSON.stringify(weak)}`).not.toBeNull();
      expect(problem!.length).toBeGreaterThan(10);
    }
    expect(await passwordProblem("Summer2024", ada)).toMatch(/common|guess/i);
    expect(await passwordProblem("latchkey1", ada)).toMatch(/your name, your email or the name of this app/);
    for (const strong of [PASSWORD, "correct horse battery staple", "Tr0ub4dor&3 kettle"]) {
      expect(await passwordProblem(strong, ada), `refused ${strong}`).toBeNull();
    }
  });

  it("is applied by setup (the strength check through the API: e2e/api/setup.spec.ts)", async () => {
    expect(refusal(() => parseOrThrow(setupInputSchema, { email: "o@example.com", password: "qwertyuiop" }))).toMatch(/too common/);
  });

  it("is applied to changing one's own password: common, own email, own name", async () => {
    for (const candidate of ["qwertyuiop", "1234567890"]) {
      expect(refusal(() => parseOrThrow(changePasswordSchema, { old_password: PASSWORD, new_password: candidate }))).toMatch(/too common/);
    }
    for (const candidate of [bob.email, "bob builder longname"]) {
      const input = parseOrThrow(changePasswordSchema, { old_password: PASSWORD, new_password: candidate });
      const err = await changeOwnPassword(bob, bob.userId, input, META).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Invalid);
      expect(JSON.stringify((err as Invalid).fieldErrors)).toMatch(/email or name/);
    }
    for (const candidate of ["Summer2024", "aaaaaaaa", "latchkey1", "Bob Builder1"]) {
      const input = parseOrThrow(changePasswordSchema, { old_password: PASSWORD, new_password: candidate });
      const err = await changeOwnPassword(bob, bob.userId, input, META).catch((e: unknown) => e);
      expect(err, candidate).toBeInstanceOf(Invalid);
      expect((err as Invalid).fieldErrors.new_password).toHaveLength(1);
    }
  });

  it("is applied to accepting an invite (the strength check through the API: e2e/api/invites-accept.spec.ts)", async () => {
    expect(refusal(() => parseOrThrow(acceptInviteSchema, { password: "qwertyuiop" }))).toMatch(/too common/);
  });

  it("is applied to an admin's reset with a typed password", async () => {
    expect(refusal(() => parseOrThrow(resetPasswordSchema, { password: "football1" }))).toMatch(/too common/);
    const err = await resetUserPassword(admin, bob.userId, { password: "Bob Builder Longname" }, META).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Invalid);
    expect(JSON.stringify((err as Invalid).fieldErrors)).toMatch(/email or name/);
    const weak = await resetUserPassword(admin, bob.userId, { password: "Summer2024" }, META).catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(Invalid);
    expect((weak as Invalid).fieldErrors.password).toHaveLength(1);
  });
});
