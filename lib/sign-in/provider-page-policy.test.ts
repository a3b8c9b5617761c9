/**
 * The pages the OpenID provider renders (enter a device code, approve a device, sign out of apps, errors) show
 * an app's name and a code to compare, so they are where a phishing page would imitate, and where an injected
 * script would do most harm. lib/oidc/pages.ts renders them without any script; their policy says so, as the
 * consent page's does: no script, no plugin, no form posting elsewhere, no framing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderServer } from "@/test/provider-server";

let provider: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;

beforeAll(async () => {
  provider = await startProviderServer();
  base = provider.base;
});

afterAll(() => provider.close());

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
