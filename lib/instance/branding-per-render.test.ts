/**
 * A dashboard page asks for the instance's branding three times in one render (the root layout's and the page's
 * titles, the dashboard layout), and each ask read the stored "appearance" version: a round trip on PostgreSQL
 * (docs/benchmarks.md, round 31). instanceBranding is React's per-render cache over it, as the session's actor is
 * (lib/sign-in/session-actor.ts): within one render one read; every new render, and every call outside a render
 * (mail, routes, actions), reads again, so a change is seen on the next request as before.
 *
 * React's `cache` memoizes only inside a server render, whose renderer hands it a per-render store through React's
 * server build's dispatcher. Here that build stands in for "react", and `inOneRender` plays the renderer's part.
 */
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { updateAppearance } from "@/lib/appearance/settings";
import { createAccount, createUser, META, startSession } from "@/test/factories";

vi.mock("react", async () => await vi.importActual(path.resolve(__dirname, "../../node_modules/react/react.react-server.js")));
// The test setup (test/unit-env.ts) loaded ./branding with the browser build of React, whose `cache` never
// memoizes: a fresh copy of the module, which imports the server build above.
const FRESH_COPY = "./branding?server-build";
const { instanceBranding } = (await import(/* @vite-ignore */ FRESH_COPY)) as typeof import("./branding");

type Dispatcher = { getCacheForType<T>(create: () => T): T; cacheSignal(): AbortSignal | null };

/** Runs fn as React's server renderer runs a render: one cache store for everything it calls. */
async function inOneRender<T>(fn: () => Promise<T>): Promise<T> {
  const internals = (await import("react")) as unknown as { __SERVER_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE: { A: Dispatcher | null } };
  const shared = internals.__SERVER_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE;
  const store = new Map<() => unknown, unknown>();
  shared.A = {
    getCacheForType<T>(create: () => T): T {
      if (!store.has(create)) store.set(create, create());
      return store.get(create) as T;
    },
    cacheSignal: () => null,
  };
  try {
    return await fn();
  } finally {
    shared.A = null;
  }
}

let owner: SessionActor;
beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  await updateAppearance(owner, { name: "Before Team" }, META);
});

describe("the instance's branding within one server render", () => {
  it("is read once: a change made during the render shows from the next render on", async () => {
    const seen = await inOneRender(async () => {
      const first = await instanceBranding();
      await updateAppearance(owner, { name: "After Team" }, META);
      return [first.name, (await instanceBranding()).name, (await instanceBranding()).name];
    });
    // Before round 31 each ask read the version again and the second and third saw "After Team".
    expect(seen).toEqual(["Before Team", "Before Team", "Before Team"]);
    expect(await inOneRender(async () => (await instanceBranding()).name)).toBe("After Team");
  });

  it("outside a render, is read on every call", async () => {
    await updateAppearance(owner, { name: "Outside One" }, META);
    expect((await instanceBranding()).name).toBe("Outside One");
    await updateAppearance(owner, { name: "Outside Two" }, META);
    expect((await instanceBranding()).name).toBe("Outside Two");
  });
});
