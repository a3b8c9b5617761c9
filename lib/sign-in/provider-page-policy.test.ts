/**
 * The pages the OpenID provider renders (enter a device code, approve a device, sign out of apps, errors) show
 * an app's name and a code to compare, so they are where a phishing page would imitate, and where an injected
 * script would do most harm. lib/oidc/pages.ts renders them without any script; their policy says so, as the
 * consent page's does: no script, no plugin, no form posting elsewhere, no framing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { mailSettings } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { META } from "@/test/factories";
import { oidcRequestHandler } from "./app-sign-in-http";

let server: http.Server;
let base: string;

beforeAll(async () => {
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  server = http.createServer((req, res) => {
    if (!oidcRequestHandler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (config() as { publicUrl: string | null }).publicUrl = null;
  await writeSystem(async (tx) => {
    await tx.insert(mailSettings).values({ accountId: setup.account_id, publicUrl: base, updatedAt: new Date() });
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function directives(policy: string | null): Map<string, string> {
  return new Map((policy ?? "").split(";").map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.slice(d.indexOf(" ") + 1)] as [string, string]));
}

describe("the provider's HTML pages run no script", () => {
  it.each([
    ["the device code page", "/device"],
    ["an error page", "/oidc/auth?client_id=nobody&response_type=code&scope=openid"],
  ])("%s", async (_name, path) => {
    const res = await fetch(`${base}${path}`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(await res.text()).not.toContain("<script");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const policy = directives(res.headers.get("content-security-policy"));
    expect(policy.get("default-src")).toBe("'none'");
    expect(policy.has("script-src")).toBe(false);
    expect(policy.get("frame-ancestors")).toBe("'none'");
    expect(policy.get("base-uri")).toBe("'none'");
  });

  it("leaves the provider's own auto-submitting form (form_post: signing out without a session) its script, unframeable", async () => {
    const res = await fetch(`${base}/oidc/session/end`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(await res.text()).toContain("<script");
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
  });
});
