import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { acceptedTotpStep, totpCode } from "./totp";

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890"; the vectors are 8 digits.
const RFC_SEED = Secret.fromUTF8("12345678901234567890");
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP", () => {
  it("matches RFC 6238's SHA-1 test vectors (the library as configured here)", () => {
    for (const [seconds, expected] of RFC_VECTORS) {
      expect(TOTP.generate({ secret: RFC_SEED, algorithm: "SHA1", digits: 8, period: 30, timestamp: seconds * 1000 })).toBe(expected);
      // Our 6-digit codes are the last six digits of the same value (RFC 4226's truncation modulo 10^6).
      expect(totpCode(RFC_SEED.base32, new Date(seconds * 1000))).toBe(expected.slice(2));
    }
  });

  it("accepts the current code and its neighbours, and refuses others", () => {
    const at = new Date(1111111111 * 1000);
    const step = Math.floor(1111111111 / 30);
    expect(acceptedTotpStep(RFC_SEED.base32, "050471", at, null)).toBe(step);
    expect(acceptedTotpStep(RFC_SEED.base32, "050 471", at, null)).toBe(step);
    const previous = totpCode(RFC_SEED.base32, new Date(at.getTime() - 30_000));
    expect(acceptedTotpStep(RFC_SEED.base32, previous, at, null)).toBe(step - 1);
    const old = totpCode(RFC_SEED.base32, new Date(at.getTime() - 120_000));
    expect(acceptedTotpStep(RFC_SEED.base32, old, at, null)).toBeNull();
    expect(acceptedTotpStep(RFC_SEED.base32, "12345", at, null)).toBeNull();
    expect(acceptedTotpStep(RFC_SEED.base32, "abcdef", at, null)).toBeNull();
  });

  it("refuses a code whose step was already used, and any older one", () => {
    const at = new Date(1234567890 * 1000);
    const step = acceptedTotpStep(RFC_SEED.base32, "005924", at, null)!;
    expect(acceptedTotpStep(RFC_SEED.base32, "005924", at, step)).toBeNull();
    const previous = totpCode(RFC_SEED.base32, new Date(at.getTime() - 30_000));
    expect(acceptedTotpStep(RFC_SEED.base32, previous, at, step)).toBeNull();
    const next = totpCode(RFC_SEED.base32, new Date(at.getTime() + 30_000));
    expect(acceptedTotpStep(RFC_SEED.base32, next, new Date(at.getTime() + 30_000), step)).toBe(step + 1);
  });
});
