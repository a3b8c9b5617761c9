import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import de from "@/messages/de.json";
import en from "@/messages/en.json";
import { Invalid, MalformedRequest, sayMessage } from "@/lib/errors";
import { messageKeysOf } from "@/lib/forms/message-keys";
import { databaseUnavailable } from "@/lib/db/unavailable";
import { fieldsOf, MAX_JSON_DEPTH, patchFields, readJson, readPatch } from "./body";

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

describe("a body that isn't UTF-8", () => {
  const postBytes = (bytes: number[], type = "application/json") =>
    new Request("http://localhost/api/x", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(bytes) });
  const bytesOf = (text: string) => [...Buffer.from(text, "latin1")];

  // Review 22: a script that sent Latin-1 ('{"name":"Café"}' with é as the byte 0xE9, as PowerShell 5's and many
  // HTTP libraries' defaults do) had the group stored as "Caf\ufffd": the bytes were decoded with replacement
  // characters, and the name was saved broken, silently.
  it("is a 400 saying so, whatever charset the Content-Type names, and never read with replacement characters", async () => {
    for (const type of ["application/json", "application/json; charset=iso-8859-1"]) {
      const refusal = await readJson(postBytes(bytesOf('{"name":"Caf\u00e9"}'), type), z.unknown()).catch((err: unknown) => err);
      expect(refusal, type).toBeInstanceOf(MalformedRequest);
      expect((refusal as MalformedRequest).message).toBe("Request body is not valid UTF-8 (JSON must be sent as UTF-8)");
    }
    // An overlong encoding and a lone continuation byte too.
    for (const bytes of [[0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d], [0x7b, 0x7d, 0x80]]) {
      await expect(readJson(postBytes(bytes), z.unknown())).rejects.toBeInstanceOf(MalformedRequest);
    }
  });

  it("reads UTF-8 as before, a leading byte-order mark still a 400 as not JSON", async () => {
    expect(await readJson(postBytes([...Buffer.from('{"name":"Café 東京"}', "utf8")]), z.unknown())).toEqual({ name: "Café 東京" });
    const bom = await readJson(postBytes([0xef, 0xbb, 0xbf, ...Buffer.from("{}", "utf8")]), z.unknown()).catch((err: unknown) => err);
    expect((bom as MalformedRequest).message).toBe("Request body is not valid JSON");
  });
});

describe("readPatch", () => {
  const input = z.object({ name: z.string(), enabled: z.boolean() }).refine((v) => v.name !== "", "Name is required");
  const answer = z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), updated_at: z.string() });
  const fields = patchFields(input, answer);

  it("lists a schema's fields through refinements, transforms and unions", () => {
    expect(fieldsOf(input)).toEqual(["name", "enabled"]);
    expect(fieldsOf(z.object({ a: z.string(), b: z.string().optional() }).transform((v) => ({ ...v, c: 1 })))).toEqual(["a", "b"]);
    expect(fieldsOf(z.discriminatedUnion("ok", [z.object({ ok: z.literal(false) }), z.object({ ok: z.literal(true), id: z.string() })]))).toEqual(["ok", "id"]);
    expect(() => fieldsOf(z.string())).toThrow();
    expect([...fields.writes]).toEqual(["name", "enabled"]);
    expect([...fields.answers]).toEqual(["id", "updated_at"]);
  });

  it("answers the fields to change, without the read-only ones the answer carries back", async () => {
    expect(await readPatch(post(JSON.stringify({ id: "x", name: "Ops", updated_at: "then" })), fields)).toEqual({ name: "Ops" });
    expect(await readPatch(post(""), fields)).toEqual({});
    // A "__proto__" key never reaches a service, as a field or as the patch's prototype.
    const guarded = await readPatch(post('{"name": "Ops", "__proto__": {"enabled": true}}'), fields);
    expect(Object.getPrototypeOf(guarded)).toBe(Object.prototype);
    expect(guarded.enabled).toBeUndefined();
  });

  it("refuses any other field with 422 naming each, in the API's words and the catalogs'", async () => {
    const one = await readPatch(post(JSON.stringify({ name: "Ops", nmae: "Ops" })), fields).catch((err: unknown) => err);
    expect(one).toBeInstanceOf(Invalid);
    expect((one as Invalid).message).toBe("Unknown field: nmae");
    expect((one as Invalid).fieldErrors).toEqual({ nmae: ["Unknown field"] });
    const two = (await readPatch(post('{"enabld": true, "name": "Ops", "updatd_at": "now"}'), fields).catch((err: unknown) => err)) as Invalid;
    expect(two.message).toBe("Unknown fields: enabld, updatd_at");
    expect(two.fieldErrors).toEqual({ enabld: ["Unknown field"], updatd_at: ["Unknown field"] });
    const english = createTranslator({ locale: "en", messages: en, namespace: "serverMessages" });
    const german = createTranslator({ locale: "de", messages: de, namespace: "serverMessages" });
    for (const err of [one as Invalid, two]) {
      const keys = messageKeysOf(err, err.fieldErrors)!;
      for (const text of [err.message, "Unknown field"]) {
        expect(sayMessage(english as never, keys[text]), text).toBe(text);
        expect(sayMessage(german as never, keys[text]), text).not.toBe(text);
      }
    }
    expect(sayMessage(german as never, messageKeysOf(two)![two.message])).toBe("Unbekannte Felder: enabld, updatd_at");
  });
});

// Review 25: a client that goes away mid-body is its own doing, not a database outage (lib/db/unavailable.ts).
describe("a body the client stopped sending", () => {
  it("is a 400 of its own, never an error that reads as the database's ECONNRESET", async () => {
    // What Node's request stream errors with when the client's connection ends before the declared length.
    const aborted = Object.assign(new Error("aborted"), { code: "ECONNRESET" });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"em'));
        controller.error(aborted);
      },
    });
    const request = new Request("http://latchkey.test/api/password-reset", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "30" },
      body,
      duplex: "half",
    } as RequestInit);
    const refused = await readJson(request, z.object({ email: z.string() })).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MalformedRequest);
    expect(refused).toMatchObject({ status: 400, message: "The request body ended before it was complete" });
    expect(databaseUnavailable(refused)).toBe(false);
  });
});
