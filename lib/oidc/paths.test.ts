/**
 * The provider answers each endpoint at exactly one spelling: oidc-provider's router would also take
 * "/oidc/TOKEN" or "/oidc/token/", where Latchkey's rules kept by path (guessing limits, the token
 * endpoint's single unit of work) didn't apply (round 13's review). Other spellings are refused.
 */
import { describe, expect, it } from "vitest";
import { isExactProviderPath, ownsPath, PROVIDER_ROUTES } from "./paths";

describe("isExactProviderPath", () => {
  it("accepts every route as written, and the paths with an id", () => {
    for (const path of Object.values(PROVIDER_ROUTES)) expect(isExactProviderPath(path), path).toBe(true);
    for (const path of [
      "/.well-known/openid-configuration",
      "/oidc/session/end/confirm",
      "/oidc/session/end/success",
      "/oidc/auth/Ab_9-xYz",
      "/device/Ab_9-xYz",
      "/oidc/interaction/Ab_9-xYz",
      "/oidc/interaction/Ab_9-xYz/consent",
    ]) {
      expect(isExactProviderPath(path), path).toBe(true);
    }
  });

  it("refuses other spellings of the same endpoints", () => {
    for (const path of [
      "/oidc/token/",
      "/oidc/TOKEN",
      "/oidc/Token/introspection",
      "/oidc/token/introspection/",
      "/device/",
      "/oidc/me/",
      "/oidc//token",
      "/oidc/%74oken",
      "/oidc/auth/abc/",
      "/oidc/interaction/abc/consent/",
      "/oidc/interaction/abc/abort",
      "/oidc/session/end/",
    ]) {
      expect(ownsPath(path) && !isExactProviderPath(path), path).toBe(true);
    }
  });
});

describe("pushed authorization requests", () => {
  it("are no path of the provider (PAR is off): /oidc/request is refused as an unknown path", () => {
    expect(Object.values(PROVIDER_ROUTES)).not.toContain("/oidc/request");
    expect(ownsPath("/oidc/request") && !isExactProviderPath("/oidc/request")).toBe(true);
  });
});
