import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { signInConfigurationChanged } from "./configuration-version";
import { createProvider, setProviderEnabled } from "./providers";
import { defaultSignInSettings, saveSignInSettings } from "./records";
import { providerInputSchema } from "./schemas";
import { createSignInOptionsCache, signInOptions } from "./sign-in-options";

let accountId: string;
let owner: Awaited<ReturnType<typeof startSession>>;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner", password: "owner passphrase" }));
});

/** Writes the setting straight to its table, bumping the configuration's version or not. */
const setLocalLogin = (enabled: boolean, options: { bump: boolean }) =>
  writeSystem(async (tx) => {
    await saveSignInSettings(tx, { ...defaultSignInSettings(accountId), localLoginEnabled: enabled });
    if (options.bump) await signInConfigurationChanged(tx);
  });

describe("signInOptions", () => {
  it("sees a provider change made on one replica on every replica's next request", async () => {
    // Two processes, each with its own cache.
    const a = createSignInOptionsCache();
    const b = createSignInOptionsCache();
    expect((await signInOptions(a)).providers).toEqual([]);
    expect((await signInOptions(b)).providers).toEqual([]);

    const p = await createProvider(
      owner,
      providerInputSchema.parse({ type: "oidc", name: "Replica IdP", issuer: "https://idp.example.com", client_id: "c", client_secret: "s", signup_policy: "existing" }),
      META,
    );
    expect((await signInOptions(b)).providers.map((x) => x.name)).toEqual(["Replica IdP"]);
    expect((await signInOptions(a)).providers.map((x) => x.clientSecret)).toEqual(["s"]);

    await setProviderEnabled(owner, p.id, false, META);
    expect((await signInOptions(a)).providers).toEqual([]);
    expect((await signInOptions(b)).providers).toEqual([]);
  });

  it("is read once and kept while the configuration's version is unchanged", async () => {
    const a = createSignInOptionsCache();
    expect((await signInOptions(a)).localLoginEnabled).toBe(true);
    // A write that does not bump the version is not seen: the options really are cached…
    await setLocalLogin(false, { bump: false });
    expect((await signInOptions(a)).localLoginEnabled).toBe(true);
    // …and one that does is.
    await setLocalLogin(false, { bump: true });
    expect((await signInOptions(a)).localLoginEnabled).toBe(false);
    await setLocalLogin(true, { bump: true });
    expect((await signInOptions(a)).localLoginEnabled).toBe(true);
  });

  it("does not keep options loaded while a change committed", async () => {
    const a = createSignInOptionsCache();
    const loading = signInOptions(a);
    await setLocalLogin(false, { bump: true });
    await loading;
    expect((await signInOptions(a)).localLoginEnabled).toBe(false);
    await setLocalLogin(true, { bump: true });
    // The process's own cache (what Auth.js and the sign-in page use) follows too.
    expect((await signInOptions()).localLoginEnabled).toBe(true);
  });
});
