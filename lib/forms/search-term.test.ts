import { describe, expect, it } from "vitest";
import { pickerSearchTerm } from "./search-term";

describe("a picker's search", () => {
  it("is trimmed; empty, non-text or unstorable text finds nothing", () => {
    expect(pickerSearchTerm("  olive ")).toBe("olive");
    for (const search of ["", "   ", 42, null, undefined, ["olive"], "ol\u0000ive", "ol\ud800ive"]) expect(pickerSearchTerm(search)).toBeNull();
  });

  it("is cut at 200 characters without splitting a character in two", () => {
    expect(pickerSearchTerm("a".repeat(250))).toBe("a".repeat(200));
    // 199 letters then an emoji (two UTF-16 units): a cut by units would leave half of it.
    expect(pickerSearchTerm(`${"a".repeat(199)}😀😀`)).toBe(`${"a".repeat(199)}😀`);
  });
});
