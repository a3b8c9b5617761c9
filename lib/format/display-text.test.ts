import { describe, expect, it } from "vitest";
import { asDisplayText, hasUnsafeDisplayCharacters } from "./display-text";

describe("display text: one line of visible text", () => {
  it("finds line breaks, tabs, other controls, separators and direction overrides; leaves ordinary names alone", () => {
    for (const unsafe of ["Olga\n\nYour account will be closed", "Olga\rX", "Olga\tX", "Olga\u0085X", "Olga\u2028X", "Olga\u2029X", "\u202Eagl0", "Olga\u2066X\u2069", "a\u0000b"]) {
      expect(hasUnsafeDisplayCharacters(unsafe), JSON.stringify(unsafe)).toBe(true);
    }
    for (const fine of ["Olga Petrova", "José Núñez-O'Brien", "李小龍", "محمد علي", "Zoë 🚀"]) expect(hasUnsafeDisplayCharacters(fine), fine).toBe(false);
  });

  it("cleans a name from elsewhere: each run becomes one space, trimmed and cut", () => {
    expect(asDisplayText("Olga\n\nYour account will be closed. Verify at https://evil.example", 100)).toBe("Olga Your account will be closed. Verify at https://evil.example");
    expect(asDisplayText("\tAnn\u202E Lee\u2069\n", 100)).toBe("Ann Lee");
    expect(asDisplayText("Olga \n \n Petrova", 100)).toBe("Olga Petrova");
    expect(asDisplayText("Olga  Petrova", 100)).toBe("Olga  Petrova");
    expect(asDisplayText("Bob\r\nBuilder", 5)).toBe("Bob B");
    expect(asDisplayText("Bob \nBuilder", 4)).toBe("Bob");
    expect(asDisplayText(null, 100)).toBe("");
    expect(asDisplayText("\n\t", 100)).toBe("");
    // Linear: a long name from a directory costs no more than its length.
    expect(asDisplayText(`${" ".repeat(100_000)}x`, 100)).toBe("x");
  });
});
