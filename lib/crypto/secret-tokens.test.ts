import crypto from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { digestToken, isWellFormedToken, mintSecretToken } from "./secret-tokens";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The documented checksum, computed independently: CRC32 of the random part, six base62 digits, most significant first. */
function expectedChecksum(secret: string): string {
  let n = zlib.crc32(secret);
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** Replaces the character at index i with a different base62 character. */
function changeCharAt(token: string, i: number): string {
  const replacement = token[i] === "a" ? "b" : "a";
  return token.slice(0, i) + replacement + token.slice(i + 1);
}

describe("mintSecretToken", () => {
  it("makes lkp_ + 30 base62 characters + a 6-character base62 CRC32 of those 30", () => {
    const { plain } = mintSecretToken("lkp");
    expect(plain).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
    const secret = plain.slice(4, 34);
    expect(plain.slice(34)).toBe(expectedChecksum(secret));
  });

  it("uses the lki_ prefix for invites", () => {
    const { plain } = mintSecretToken("lki");
    expect(plain).toMatch(/^lki_[0-9A-Za-z]{36}$/);
    expect(isWellFormedToken(plain, "lki")).toBe(true);
  });

  it("returns the SHA-256 hex digest of the plain token", () => {
    const { plain, digest } = mintSecretToken("lkp");
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(crypto.createHash("sha256").update(plain).digest("hex"));
    expect(digestToken(plain)).toBe(digest);
  });

  it("never repeats a token, and draws on the whole base62 alphabet", () => {
    const plains = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const { plain } = mintSecretToken("lkp");
      plains.add(plain);
      for (const c of plain.slice(4, 34)) seen.add(c);
    }
    expect(plains.size).toBe(5000);
    expect(seen.size).toBe(62);
  });
});

describe("isWellFormedToken", () => {
  const { plain } = mintSecretToken("lkp");

  it("accepts a freshly minted token", () => {
    expect(isWellFormedToken(plain, "lkp")).toBe(true);
  });

  it("rejects every one-character change, in the random part and in the checksum", () => {
    for (let i = 4; i < plain.length; i++) {
      expect(isWellFormedToken(changeCharAt(plain, i), "lkp"), `change at ${i}`).toBe(false);
    }
  });

  it("does not accept an invite token as an access token, or the reverse", () => {
    const invite = mintSecretToken("lki").plain;
    expect(isWellFormedToken(invite, "lkp")).toBe(false);
    expect(isWellFormedToken(plain, "lki")).toBe(false);
    // Same secret and checksum, other prefix: the prefix alone decides.
    expect(isWellFormedToken(`lki_${plain.slice(4)}`, "lkp")).toBe(false);
  });

  it.each([
    ["wrong prefix", () => `lkx_${plain.slice(4)}`],
    ["upper-case prefix", () => `LKP_${plain.slice(4)}`],
    ["missing underscore", () => `lkp${plain.slice(4)}`],
    ["one character short", () => plain.slice(0, -1)],
    ["one character long", () => `${plain}0`],
    ["surrounding space", () => ` ${plain} `],
    ["non-base62 character", () => `${plain.slice(0, 10)}-${plain.slice(11)}`],
    ["empty string", () => ""],
  ])("rejects a token with %s", (_, make) => {
    expect(isWellFormedToken(make(), "lkp")).toBe(false);
  });
});
