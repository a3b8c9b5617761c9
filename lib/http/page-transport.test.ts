/**
 * Pages (proxy.ts) under an https PUBLIC_URL: HSTS, upgrade-insecure-requests and a Secure device cookie,
 * even when the TLS proxy in front isn't trusted to say https (TRUST_PROXY unset: scripts/server.mjs drops its
 * X-Forwarded-Proto, and every request looks like plain http). Before, such an instance never sent HSTS, so
 * every first visit could be stripped to plain http.
 */
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

async function pageAnswer(publicUrl: string | undefined) {
  vi.resetModules();
  vi.stubEnv("PUBLIC_URL", publicUrl ?? "");
  const { proxy } = await import("@/proxy");
  return proxy(new NextRequest("http://team.example.com/team/users"));
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("a page's transport headers", () => {
  it("under an https PUBLIC_URL: HSTS, upgrade-insecure-requests and a Secure device cookie, though the request came as http", async () => {
    const answer = await pageAnswer("https://team.example.com");
    expect(answer.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    expect(answer.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    expect(answer.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
  });

  it("without one, as the request says (a plain-http instance keeps working)", async () => {
    for (const publicUrl of [undefined, "http://localhost:3000"]) {
      const answer = await pageAnswer(publicUrl);
      expect(answer.headers.get("strict-transport-security")).toBeNull();
      expect(answer.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
      expect(answer.headers.get("set-cookie")).not.toMatch(/;\s*Secure/i);
    }
  });
});
