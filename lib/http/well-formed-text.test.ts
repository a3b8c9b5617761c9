import { describe, expect, it } from "vitest";
import { Invalid } from "@/lib/errors";
import { assertWellFormedText, MALFORMED_TEXT_MESSAGE, NUL_TEXT_MESSAGE } from "./well-formed-text";

function fieldsOf(value: unknown): Record<string, string[]> | undefined {
  try {
    assertWellFormedText(value);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(Invalid);
    return (err as Invalid).fieldErrors;
  }
}

describe("assertWellFormedText", () => {
  it("accepts well-formed text, including pairs outside the BMP", () => {
    expect(fieldsOf({ name: "Ops 🔑", nested: { list: ["é", "\ud83d\udd11"] }, n: 1, b: true, x: null })).toBeUndefined();
  });

  it("names every field with a lone surrogate, nested ones by their path", () => {
    expect(fieldsOf({ name: "dup\ud800", ok: "fine", nested: { items: ["a", "\udc00b"] } })).toEqual({
      name: [MALFORMED_TEXT_MESSAGE],
      "nested.items.1": [MALFORMED_TEXT_MESSAGE],
    });
  });

  it("reports a top-level string or a malformed key where it sits", () => {
    expect(fieldsOf("\ud800")).toEqual({ _: [MALFORMED_TEXT_MESSAGE] });
    expect(fieldsOf({ outer: { ["k\ud800"]: "v" } })).toEqual({ outer: [MALFORMED_TEXT_MESSAGE] });
  });
});

describe("a NUL character (review 10d: PostgreSQL can't store one, SQLite kept it in a group's name)", () => {
  it("is refused in a value or a key, named by its field", () => {
    expect(fieldsOf({ name: "Ops\u0000Admins", ok: "fine", list: ["a", "\u0000"] })).toEqual({ name: [NUL_TEXT_MESSAGE], "list.1": [NUL_TEXT_MESSAGE] });
    expect(fieldsOf({ outer: { ["k\u0000"]: "v" } })).toEqual({ outer: [NUL_TEXT_MESSAGE] });
  });
});
