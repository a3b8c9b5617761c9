/**
 * The provider is built once per process and rebuilt when its issuer or signing keys change
 * (./provider.ts currentProvider). A request that finds a build under way which began before such a
 * change must not take that build's provider: it would sign for the old issuer.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type Provider from "oidc-provider";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { oidcSigningKeys } from "@/lib/db/schema";
import { createAccount } from "@/test/factories";
import { currentProvider } from "./provider";
import { newRequestScope, runInRequestScope } from "./request-scope";
import { loadSigningKeys, rotateSigningKeys, SIGNING_DAYS } from "./signing-keys";

type Built = { provider: Provider; issuer: string; keysVersion: number; servesUntil: number };
const holder = globalThis as unknown as { latchkeyOidcProvider?: Built; latchkeyOidcBuilding?: Promise<Built> };
const environment = config() as { publicUrl: string | null };
const original = environment.publicUrl;

beforeAll(async () => {
  await createAccount();
});

afterEach(() => {
  environment.publicUrl = original;
  vi.useRealTimers();
});

/** A build begun for `issuer` that finishes when `finish` is called (as ./provider.ts's own clears itself). */
function buildUnderWay(issuer: string) {
  const stale: Built = { provider: { issuer } as unknown as Provider, issuer, keysVersion: Number.MAX_SAFE_INTEGER, servesUntil: Infinity };
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

  it("keys another replica made (its write bumps their version, nothing in this process saw it): the next request is served with them (review 35)", async () => {
    environment.publicUrl = "https://keys.example";
    const ask = () => runInRequestScope(newRequestScope(false), () => currentProvider());
    const before = await ask();
    expect(await ask()).toBe(before);
    const kidsBefore = (await loadSigningKeys()).map((k) => k.kid);

    // What the other replica's daily pass does when the keys are near retirement; this process only shares the database.
    expect(await rotateSigningKeys(new Date(Date.now() + SIGNING_DAYS * 24 * 60 * 60 * 1000))).toBeGreaterThan(0);
    const made = (await loadSigningKeys()).map((k) => k.kid).filter((kid) => !kidsBefore.includes(kid));
    expect(made.length).toBeGreaterThan(0);

    const after = await ask();
    expect(after).not.toBe(before);
    const published = await jwksOf(after!);
    for (const kid of made) expect(published).toContain(kid);
  });

  it("a key's retirement, which writes nothing: the next request after that moment is served by a provider signing with its successor", async () => {
    environment.publicUrl = "https://retire.example";
    const ask = () => runInRequestScope(newRequestScope(false), () => currentProvider());
    const now = Date.now();
    await rotateSigningKeys(new Date(now + SIGNING_DAYS * 24 * 60 * 60 * 1000)); // the successors, as the daily pass makes them
    const es256 = (await db().select().from(oidcSigningKeys).where(eq(oidcSigningKeys.alg, "ES256"))).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const signing = es256.find((r) => r.createdAt.getTime() <= now && r.retiresAt.getTime() > now)!;
    const successor = es256.find((r) => r.createdAt.getTime() >= signing.retiresAt.getTime())!;
    // Bring the hand-over to a minute from now (made long ago by the daily pass: nothing is written at the moment itself).
    const handOver = new Date(now + 60_000);
    await writeSystem(async (tx) => {
      await tx.update(oidcSigningKeys).set({ retiresAt: handOver }).where(eq(oidcSigningKeys.kid, signing.kid));
      await tx.update(oidcSigningKeys).set({ createdAt: handOver }).where(eq(oidcSigningKeys.kid, successor.kid));
    });
    holder.latchkeyOidcProvider = undefined;

    vi.useFakeTimers({ toFake: ["Date"], now });
    const before = await ask();
    expect(await ask()).toBe(before);
    expect((await jwksOf(before!)).find((kid) => [signing.kid, successor.kid].includes(kid))).toBe(signing.kid);

    vi.setSystemTime(handOver.getTime() + 1_000);
    const after = await ask();
    expect(after).not.toBe(before);
    expect((await jwksOf(after!)).find((kid) => [signing.kid, successor.kid].includes(kid))).toBe(successor.kid);
  });
});

/** The key ids the provider publishes at its JWKS endpoint, asked over HTTP on loopback. */
async function jwksOf(provider: Provider): Promise<string[]> {
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/oidc/jwks`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
