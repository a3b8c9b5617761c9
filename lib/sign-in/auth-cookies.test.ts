/**
 * carriesSessionCookie: the provider's routes skip resolving a session when no session cookie is present, so
 * it must see each name a reader takes (plain, "__Host-", Auth.js's chunks) and nothing else.
 */
import { describe, expect, it } from "vitest";
import { carriesSessionCookie, sessionCookieName } from "./auth-cookies";

describe("carriesSessionCookie", () => {
  it.each([
    [`${sessionCookieName(false)}=x`],
    [`${sessionCookieName(true)}=x`],
    [`a=1; ${sessionCookieName(true)}.0=x; ${sessionCookieName(true)}.1=y`],
    [`theme=dark;${sessionCookieName(false)}=x`],
  ])("sees a session cookie in %s", (header) => {
    expect(carriesSessionCookie(header)).toBe(true);
  });

  it.each([
    [undefined],
    [""],
    ["__Secure-authjs.session-token=x"],
    ["authjs.session-tokenX=x"],
    ["my-authjs.session-token=x"],
    ["a=authjs.session-token=x"],
    ["authjs.csrf-token=x"],
  ])("sees none in %s", (header) => {
    expect(carriesSessionCookie(header)).toBe(false);
  });
});
