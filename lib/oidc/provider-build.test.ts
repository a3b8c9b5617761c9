/**
 * The provider is built once per process and rebuilt when its issuer or signing keys change
 * (./provider.ts currentProvider). A request that finds a build under way which began before such a
 * change must not take that build's provider: it would sign for the old issuer.
 */
import type Provider from "oidc-provider";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { createAccount } from "@/test/factories";
import { currentProvider } from "./provider";
import { newRequestScope, runInRequestScope } from "./request-scope";

type Built = { provider: Provider; issuer: string; keysVersion: number; builtAt: number };
const holder = globalThis as unknown as { latchkeyOidcProvider?: Built; latchkeyOidcBuilding?: Promise<Built> };
const environment = config() as { publicUrl: string | null };
const original = environment.publicUrl;

beforeAll(async () => {
  await createAccount();
});

afterEach(() => {
  environment.publicUrl = original;
});

/** A build begun for `issuer` that finishes when `finish` is called (as ./provider.ts's own clears itself). */
function buildUnderWay(issuer: string) {
  const stale: Built = { provider: { issuer } as unknown as Provider, issuer, keysVersion: Number.MAX_SAFE_INTEGER, builtAt: Date.now() };
  let finish!: () => void;
  holder.latchkeyOidcProvider = undefined;
  holder.latchkeyOidcBuilding = new Promise<Built>((resolve) => {
    finish = () => {
      holder.latchkeyOidcBuilding = undefined;
      holder.latchkeyOidcProvider = stale;
      resolve(stale);
    };
  });
  return { stale, finish };
}

describe("currentProvider", () => {
  it("doesn't serve a build begun for the issuer before a change: it builds for the issuer this request read", async () => {
    environment.publicUrl = "https://old.example";
    const underWay = buildUnderWay("https://old.example");
    environment.publicUrl = "https://new.example";

    const asked = runInRequestScope(newRequestScope(false), () => currentProvider());
    setTimeout(underWay.finish, 20);
    const provider = await asked;

    expect(provider).not.toBe(underWay.stale.provider);
    expect(provider?.issuer).toBe("https://new.example");
    expect(holder.latchkeyOidcProvider?.issuer).toBe("https://new.example");
  });

  it("joins a build under way for the same issuer instead of building twice", async () => {
    environment.publicUrl = "https://same.example";
    const underWay = buildUnderWay("https://same.example");
    const asked = runInRequestScope(newRequestScope(false), () => currentProvider());
    setTimeout(underWay.finish, 20);
    expect(await asked).toBe(underWay.stale.provider);
  });
});
