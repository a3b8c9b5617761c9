/**
 * Pages (proxy.ts) under an https PUBLIC_URL: HSTS, upgrade-insecure-requests and a Secure device cookie,
 * even when the TLS proxy in front isn't trusted to say https (TRUST_PROXY unset: scripts/server.mjs drops its
 * X-Forwarded-Proto, and every request looks like plain http). Before, such an instance never sent HSTS, so
 * every first visit could be stripped to plain http.
 */
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

async function pageAnswer(publicUrl: string | undefined, headers: Record<string, string> = {}) {
  vi.resetModules();
  vi.stubEnv("PUBLIC_URL", publicUrl ?? "");
  const { proxy } = await import("@/proxy");
  return proxy(new NextRequest("http://team.example.com/team/users", { headers }));
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

  it("reads a trusted proxy's X-Forwarded-Proto list by its first value, as requestMeta does: the device cookie has the name it is read by", async () => {
    // scripts/server.mjs keeps the header only from a TRUST_PROXY peer; a chain of proxies may send a list.
    const answer = await pageAnswer(undefined, { "x-forwarded-proto": "https, http" });
    expect(answer.headers.get("set-cookie")).toMatch(/^__Host-latchkey-device=[^;]+;.*Secure/i);
    const { requestMeta } = await import("@/lib/http/request-meta");
    const cookie = answer.headers.get("set-cookie")!.split(";", 1)[0];
    expect(requestMeta(new Headers({ cookie, "x-forwarded-proto": "https, http", host: "team.example.com" }), true).device).toBe(cookie.split("=")[1]);
  });
});
