import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Invalid } from "@/lib/errors";
import { MAX_JSON_DEPTH, readJson } from "./body";

const post = (text: string) => new Request("http://localhost/api/x", { method: "POST", headers: { "content-type": "application/json" }, body: text });
const nested = (depth: number, open = "[", close = "]", inner = "") => open.repeat(depth) + inner + close.repeat(depth);

describe("readJson", () => {
  // Review 9c: a 64 KiB body of brackets is 32,000 levels deep. Walking it (the well-formed-text check,
  // anything recursive after it) overflowed the stack: a 500 and a logged stack trace, after up to a few
  // hundred milliseconds of CPU, for any caller of a public route (Forgot password?) before any limit.
  it("refuses a body nested deeper than MAX_JSON_DEPTH with 422, whatever its shape", async () => {
    expect(MAX_JSON_DEPTH).toBe(32);
    for (const text of [nested(30_000), nested(5_000, '{"a":', "}", "1"), `{"list":${nested(MAX_JSON_DEPTH)}}`]) {
      const refusal = await readJson(post(text), z.unknown()).catch((err: unknown) => err);
      expect(refusal).toBeInstanceOf(Invalid);
      expect((refusal as Invalid).message).toBe(`The body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`);
    }
  });

  it("takes a body nested up to MAX_JSON_DEPTH levels, and still names a lone surrogate at that depth", async () => {
    expect(await readJson(post(nested(MAX_JSON_DEPTH)), z.unknown())).toHaveLength(1);
    const deepest = nested(MAX_JSON_DEPTH - 1, '{"a":', "}", '"\\ud800"');
    const refusal = await readJson(post(deepest), z.unknown()).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(Invalid);
    expect(Object.keys((refusal as Invalid).fieldErrors)).toEqual([Array(MAX_JSON_DEPTH - 1).fill("a").join(".")]);
  });
});
