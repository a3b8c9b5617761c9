/**
 * The device page's form is posted back with the one-time value the provider kept in its session when it
 * showed the form. A POST without the provider's session cookie (a script, a browser that dropped it) got a
 * 500 from oidc-provider ("persist can only be called on previously persisted Sessions") and an error in
 * the log; now it is sent back to the page, and the page's own form still works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { oidcModels } from "@/lib/db/schema";
import { startProviderServer } from "@/test/provider-server";

let provider: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;

beforeAll(async () => {
  provider = await startProviderServer();
  base = provider.base;
});

afterAll(() => provider.close());

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

describe("the device page's form", () => {
  it("posted without the provider's session is sent to the page, not answered with a 500", async () => {
    const res = await fetch(`${base}/device`, form({ user_code: "BCDF-GHJK", xsrf: "made-up" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/device");
  });

  it("posted from the page (its session cookie and one-time value) is answered by the provider as before", async () => {
    const page = await fetch(`${base}/device`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const cookies = page.headers.getSetCookie().map((c) => c.split(";", 1)[0]).join("; ");
    expect(cookies).toContain("_session=");
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    expect(xsrf).toBeTruthy();
    const res = await fetch(`${base}/device`, { ...form({ user_code: "BCDF-GHJK", xsrf: xsrf! }), headers: { ...form({}).headers, cookie: cookies } });
    // A code that matches nothing: the form again, saying so (not a redirect, not a 500).
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/not valid or has expired/);
  });

  it("posted with only the provider's legacy session cookie (a browser over plain http keeps only that one) is answered too", async () => {
    const page = await fetch(`${base}/device`, { headers: { accept: "text/html" } });
    const legacy = page.headers
      .getSetCookie()
      .map((c) => c.split(";", 1)[0])
      .filter((c) => c.startsWith("_session.legacy"));
    expect(legacy.length).toBeGreaterThan(0);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const res = await fetch(`${base}/device`, { ...form({ user_code: "BCDF-GHJK", xsrf: xsrf! }), headers: { ...form({}).headers, cookie: legacy.join("; ") } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/not valid or has expired/);
  });

  // Review 25: anyone can have a provider session stored per GET /device; at the session's week each, without bound.
  it("shown to someone not signed in keeps its session an hour, as an interaction, not a session's week", async () => {
    const sessionIds = async () => new Set((await db().select({ id: oidcModels.id }).from(oidcModels).where(eq(oidcModels.name, "Session"))).map((r) => r.id));
    const before = await sessionIds();
    const page = await fetch(`${base}/device`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const stored = (await db().select().from(oidcModels).where(eq(oidcModels.name, "Session"))).filter((r) => !before.has(r.id));
    expect(stored).toHaveLength(1);
    const lifetimeSeconds = (stored[0].expiresAt!.getTime() - Date.now()) / 1000;
    expect(lifetimeSeconds).toBeGreaterThan(3500);
    expect(lifetimeSeconds).toBeLessThanOrEqual(3600);
  });
});
