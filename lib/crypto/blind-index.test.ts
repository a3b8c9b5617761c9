import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { emailBlindIndex, normaliseEmail } from "./blind-index";

describe("emailBlindIndex", () => {
  const alice = emailBlindIndex("alice@example.com");

  it.each([
    "Alice@Example.com ",
    "  ALICE@EXAMPLE.COM\t",
    "\uFF21lice@example.com", // fullwidth Ａ
    "ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", // fullwidth everything, NFKC folds it to ASCII
  ])("gives %j the same index as alice@example.com", (variant) => {
    expect(emailBlindIndex(variant)).toBe(alice);
  });

  it("treats composed and decomposed accents, and ligatures, as the same email", () => {
    expect(emailBlindIndex("jos\u00E9@example.com")).toBe(emailBlindIndex("jose\u0301@example.com"));
    expect(emailBlindIndex("JOSE\u0301@EXAMPLE.COM")).toBe(emailBlindIndex("jos\u00E9@example.com"));
    expect(emailBlindIndex("\uFB01ona@example.com")).toBe(emailBlindIndex("fiona@example.com"));
  });

  it.each(["alice2@example.com", "alice@example.org", "a.lice@example.com", "alice+tag@example.com", "bob@example.com"])(
    "gives %j a different index from alice@example.com",
    (other) => {
      expect(emailBlindIndex(other)).not.toBe(alice);
    },
  );

  it("is an HMAC-SHA-256 of the normalised email under the derived index key", () => {
    // Recomputed independently: every stored users.email_index depends on this exact derivation.
    const master = Buffer.from(process.env.ENCRYPTION_KEY!, "base64");
    const key = Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), "latchkey/email-index/v1", 32));
    const expected = crypto.createHmac("sha256", key).update("alice@example.com").digest("base64url");
    expect(emailBlindIndex(" Alice@Example.com")).toBe(expected);
    expect(alice).not.toBe(crypto.createHash("sha256").update("alice@example.com").digest("base64url"));
  });
});

describe("normaliseEmail", () => {
  it("trims, applies NFKC and lower-cases", () => {
    expect(normaliseEmail("  ＡLICE@Example.COM \n")).toBe("alice@example.com");
    expect(normaliseEmail("jose\u0301@x.io")).toBe("jos\u00E9@x.io");
  });
});
