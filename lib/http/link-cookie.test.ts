import { describe, expect, it } from "vitest";
import { mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { INVITE_EXPIRY } from "@/lib/invites/schemas";
import { EMAIL_CHANGE_HOURS } from "@/lib/users/email-change";
import { RECOVERY_LINK_MINUTES } from "@/lib/users/owner-recovery";
import { RESET_LINK_MINUTES } from "@/lib/users/password-reset";
import { boundedLinkToken, LINK_COOKIE_CAP_SECONDS, LINK_PAGES, linkTokenExchange, type LinkKind } from "./link-cookie";

const KINDS = Object.keys(LINK_PAGES) as LinkKind[];
const url = (path: string) => new URL(`http://latchkey.test${path}`);

describe("boundedLinkToken", () => {
  it("takes a minted token of the kind's own prefix, and no other kind's", () => {
    for (const kind of KINDS) {
      const own = mintSecretToken(LINK_PAGES[kind].prefix).plain;
      expect(boundedLinkToken(kind, own)).toBe(own);
      for (const other of KINDS.filter((k) => k !== kind)) expect(boundedLinkToken(other, own), `${kind} as ${other}`).toBeNull();
      expect(boundedLinkToken(kind, mintSecretToken(TOKEN_PREFIXES.accessToken).plain)).toBeNull();
    }
  });

  it("refuses anything too long, too short, with bad characters, or not text", () => {
    const good = mintSecretToken(TOKEN_PREFIXES.invite).plain;
    for (const bad of [
      `${good}A`,
      good.slice(0, -1),
      `${good}${"A".repeat(5000)}`,
      `${good.slice(0, -1)}%`,
      `${good.slice(0, -1)};`,
      `${good.slice(0, -1)} `,
      `${good.slice(0, -1)}\u00e9`,
      `${good.slice(0, 20)}=${good.slice(21)}`,
      `lki-${good.slice(4)}`,
      "",
    ]) {
      expect(boundedLinkToken("invite", bad), JSON.stringify(bad)).toBeNull();
    }
    expect(boundedLinkToken("invite", null)).toBeNull();
    expect(boundedLinkToken("invite", undefined)).toBeNull();
  });
});

describe("a link cookie's lifetime", () => {
  it("is never longer than its link's, nor than the cap", () => {
    const linkSeconds: Record<LinkKind, number> = {
      invite: INVITE_EXPIRY.minSeconds,
      reset: RESET_LINK_MINUTES * 60,
      recover: RECOVERY_LINK_MINUTES * 60,
      confirmEmail: EMAIL_CHANGE_HOURS * 3600,
    };
    for (const kind of KINDS) {
      expect(LINK_PAGES[kind].maxAgeSeconds, kind).toBeLessThanOrEqual(linkSeconds[kind]);
      expect(LINK_PAGES[kind].maxAgeSeconds, kind).toBeLessThanOrEqual(LINK_COOKIE_CAP_SECONDS);
    }
  });
});

describe("linkTokenExchange", () => {
  const token = mintSecretToken(TOKEN_PREFIXES.passwordReset).plain;

  it("moves a link's token into its kind's cookie and sends the browser to the same page without it", () => {
    expect(linkTokenExchange("GET", url(`/reset-password?token=${token}`), false)).toEqual({
      location: "/reset-password",
      cookie: { name: "latchkey-link-reset", value: token, options: { httpOnly: true, sameSite: "lax", secure: false, path: "/reset-password", maxAge: 30 * 60 } },
    });
    expect(linkTokenExchange("HEAD", url(`/reset-password?token=${token}`), false)?.location).toBe("/reset-password");
  });

  it("under https: Secure, \"__Host-\" named, Path=/ (the only path a browser takes a \"__Host-\" cookie with)", () => {
    expect(linkTokenExchange("GET", url(`/reset-password?token=${token}`), true)?.cookie).toEqual({
      name: "__Host-latchkey-link-reset",
      value: token,
      options: { httpOnly: true, sameSite: "lax", secure: true, path: "/", maxAge: 30 * 60 },
    });
  });

  it("clears the cookie for a token of the wrong shape or another kind, and still takes it out of the address", () => {
    for (const bad of ["", "x", `${token}${"A".repeat(4096)}`, mintSecretToken(TOKEN_PREFIXES.invite).plain, "<script>"]) {
      const exchange = linkTokenExchange("GET", url(`/reset-password?token=${encodeURIComponent(bad)}`), false);
      expect(exchange?.location).toBe("/reset-password");
      expect(exchange?.cookie.value).toBe("");
      expect(exchange?.cookie.options.maxAge).toBe(0);
    }
  });

  it("keeps the rest of the query but drops every token", () => {
    const other = mintSecretToken(TOKEN_PREFIXES.passwordReset).plain;
    const exchange = linkTokenExchange("GET", url(`/reset-password?lang=de&token=${token}&token=${other}`), false);
    expect(exchange?.location).toBe("/reset-password?lang=de");
    expect(exchange?.cookie.value).toBe(token);
  });

  it("leaves every other request alone", () => {
    expect(linkTokenExchange("POST", url(`/reset-password?token=${token}`), false)).toBeNull();
    expect(linkTokenExchange("GET", url("/reset-password"), false)).toBeNull();
    expect(linkTokenExchange("GET", url(`/login?token=${token}`), false)).toBeNull();
    expect(linkTokenExchange("GET", url(`/reset-password/x?token=${token}`), false)).toBeNull();
  });

  it("has one page per kind", () => {
    for (const kind of KINDS) {
      const own = mintSecretToken(LINK_PAGES[kind].prefix).plain;
      const exchange = linkTokenExchange("GET", url(`${LINK_PAGES[kind].path}?token=${own}`), false);
      expect(exchange?.location).toBe(LINK_PAGES[kind].path);
      expect(exchange?.cookie).toMatchObject({ name: `latchkey-link-${kind}`, value: own, options: { path: LINK_PAGES[kind].path } });
    }
  });
});
