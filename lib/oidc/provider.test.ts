import { describe, expect, it } from "vitest";
import { interactionUrl } from "./provider";

describe("where the authorization request sends the browser", () => {
  it("without a Latchkey session cookie straight to /login, with the interaction as the way back", () => {
    const toLogin = `/login?${new URLSearchParams({ callbackUrl: "/oidc/interaction/abc" })}`;
    expect(interactionUrl(undefined, "abc")).toBe(toLogin);
    expect(interactionUrl("authjs.csrf-token=x; _interaction=y", "abc")).toBe(toLogin);
    expect(interactionUrl("not-authjs.session-tokens=1", "abc")).toBe(toLogin);
  });

  it("with one (either name, or chunked) to the interaction, which decides from the session", () => {
    expect(interactionUrl("authjs.session-token=jwe", "abc")).toBe("/oidc/interaction/abc");
    expect(interactionUrl("a=1; __Secure-authjs.session-token=jwe", "abc")).toBe("/oidc/interaction/abc");
    expect(interactionUrl("authjs.session-token.0=part", "abc")).toBe("/oidc/interaction/abc");
  });
});
