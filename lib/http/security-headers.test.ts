/**
 * The headers added before Next.js (lib/http/security-headers.ts apiSecurityHeaders)
 * are exactly what next.config.ts's rules add, as Next.js's own matcher applies them.
 */
import { describe, expect, it } from "vitest";
import { getPathMatch } from "next/dist/shared/lib/router/utils/path-match";
import { matchHas } from "next/dist/shared/lib/router/utils/prepare-destination";
import { modifyRouteRegex } from "next/dist/lib/redirect-status";
import nextConfig from "@/next.config";
import { CREDENTIALS_CALLBACK_PATH } from "@/lib/sign-in/credentials-path";
import { apiSecurityHeaders, isSignInPath } from "./security-headers";

type Rule = { source: string; has?: Parameters<typeof matchHas>[2]; headers: { key: string; value: string }[] };

/** What Next.js adds to a response for `pathname`, the way its router applies `headers()` (resolve-routes.js). */
async function nextJsHeaders(pathname: string, requestHeaders: Record<string, string>): Promise<Record<string, string>> {
  const rules = (await nextConfig.headers!()) as Rule[];
  const added: Record<string, string> = {};
  for (const rule of rules) {
    const match = getPathMatch(rule.source, { strict: true, removeUnnamedParams: true, regexModifier: (regex) => modifyRouteRegex(regex) });
    const params = match(pathname);
    if (!params) continue;
    if (rule.has && !matchHas({ headers: requestHeaders } as never, {}, rule.has, undefined)) continue;
    for (const { key, value } of rule.headers) added[key] = value;
  }
  return added;
}

function asRecord(pairs: { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(pairs.map(({ key, value }) => [key, value]));
}

describe("security headers outside Next.js", () => {
  it("are next.config.ts's for the credentials callback, over plain HTTP", async () => {
    const expected = await nextJsHeaders(CREDENTIALS_CALLBACK_PATH, { host: "id.example.test" });
    expect(asRecord(apiSecurityHeaders(CREDENTIALS_CALLBACK_PATH, undefined))).toEqual(expected);
    expect(expected["Content-Security-Policy"]).toContain("default-src 'none'");
    expect(expected["Strict-Transport-Security"]).toBeUndefined();
  });

  it("are next.config.ts's for the credentials callback behind HTTPS (HSTS)", async () => {
    const expected = await nextJsHeaders(CREDENTIALS_CALLBACK_PATH, { host: "id.example.test", "x-forwarded-proto": "https" });
    expect(asRecord(apiSecurityHeaders(CREDENTIALS_CALLBACK_PATH, "https"))).toEqual(expected);
    expect(expected["Strict-Transport-Security"]).toMatch(/max-age=/);
  });

  it("give no HSTS for another forwarded protocol", async () => {
    const expected = await nextJsHeaders(CREDENTIALS_CALLBACK_PATH, { "x-forwarded-proto": "http" });
    expect(asRecord(apiSecurityHeaders(CREDENTIALS_CALLBACK_PATH, "http"))).toEqual(expected);
  });
});

describe("Cross-Origin-Opener-Policy", () => {
  // A popup that loads one response with COOP same-origin (a redirect included) loses window.opener: an app's
  // sign-in in a popup (oidc-client-ts's signinPopup) goes through these, and must still be told the result.
  const signIn = ["/login", "/login/two-factor", "/change-password", "/auth/proxy", "/api/auth/callback/credentials", "/api/auth/callback/0c6f5b1e-idp", "/api/auth/signin/x", "/api/auth"];
  const dashboard = ["/", "/profile", "/team/users", "/settings/security", "/setup", "/invite", "/reset-password", "/loginx", "/login-help", "/api/users", "/api/authx", "/auth", "/_next/static/chunks/app.js"];

  it("is left out on the sign-in pages and their redirects", async () => {
    for (const path of signIn) {
      expect((await nextJsHeaders(path, {}))["Cross-Origin-Opener-Policy"], path).toBeUndefined();
      expect(isSignInPath(path), path).toBe(true);
    }
  });

  it("is same-origin everywhere else, the dashboard and the API", async () => {
    for (const path of dashboard) {
      expect((await nextJsHeaders(path, {}))["Cross-Origin-Opener-Policy"], path).toBe("same-origin");
      expect(isSignInPath(path), path).toBe(false);
    }
  });

  it("is what the credentials sign-in's own answer sends too (none)", () => {
    expect(asRecord(apiSecurityHeaders(CREDENTIALS_CALLBACK_PATH, undefined))["Cross-Origin-Opener-Policy"]).toBeUndefined();
    expect(asRecord(apiSecurityHeaders("/api/users", undefined))["Cross-Origin-Opener-Policy"]).toBe("same-origin");
  });
});

describe("what a cache may keep of the API", () => {
  // Review 15: JSON with people's names and emails (GET /api/users, /api/events…) carried no Cache-Control, so a
  // browser kept it on disk and showed it again on Back after its person signed out (a shared computer).
  it("nothing: every API answer is no-store, whatever its handler set", async () => {
    for (const path of ["/api/users", "/api/users/export", "/api/events", "/api/auth/session", "/api/settings/email", "/api/instance", "/api/nothing"]) {
      expect((await nextJsHeaders(path, {}))["Cache-Control"], path).toBe("no-store");
    }
  });

  it("but the logo and the API reference, which are public and set their own", async () => {
    for (const path of ["/api/instance/logo", "/api/docs", "/api/docs/assets/swagger-ui-bundle.js"]) {
      expect((await nextJsHeaders(path, {}))["Cache-Control"], path).toBeUndefined();
    }
  });
});
