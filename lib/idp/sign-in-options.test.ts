import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createAccount } from "@/test/factories";
import { defaultSignInSettings, saveSignInSettings } from "./records";
import { forgetSignInOptions, signInOptions } from "./sign-in-options";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

/** Writes the setting without forgetting the cached options (as a change committing elsewhere would, before its forget). */
const setLocalLogin = (enabled: boolean) =>
  writeSystem((tx) => saveSignInSettings(tx, { ...defaultSignInSettings(accountId), localLoginEnabled: enabled }));

describe("signInOptions", () => {
  it("is read once and kept until a change forgets it", async () => {
    forgetSignInOptions();
    expect((await signInOptions()).localLoginEnabled).toBe(true);
    await setLocalLogin(false);
    expect((await signInOptions()).localLoginEnabled).toBe(true);
    forgetSignInOptions();
    expect((await signInOptions()).localLoginEnabled).toBe(false);
    await setLocalLogin(true);
    forgetSignInOptions();
  });

  it("does not keep options whose loading began before a change was forgotten", async () => {
    forgetSignInOptions();
    const loading = signInOptions();
    // A change commits and forgets the options while the load above is in flight.
    forgetSignInOptions();
    expect((await loading).localLoginEnabled).toBe(true);
    // Had the in-flight load been kept, this would still say true.
    await setLocalLogin(false);
    expect((await signInOptions()).localLoginEnabled).toBe(false);
  });
});
