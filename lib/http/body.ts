/**
 * Reading a JSON request body safely: the content type must be JSON, the size
 * is capped while streaming (a lying Content-Length doesn't help), its nesting
 * is bounded, its text must be well-formed Unicode, and the parsed value is
 * validated by the route's zod schema.
 */
import "server-only";
import { z } from "zod";
import { BodyCutShort, BodyTooLarge, Invalid, MalformedRequest, UnsupportedMediaType } from "@/lib/errors";
import { parseOrThrow } from "./validation";
import { assertWellFormedText } from "./well-formed-text";

export const MAX_JSON_BODY_BYTES = 64 * 1024;
/**
 * How deeply a JSON body may nest (the top-level object or list is level 1). No input of the API nests
 * more than a few levels; 64 KiB of brackets is 32,000, which the checks after parsing (and anything
 * recursive: zod, JSON.stringify of details) would walk until the stack overflows.
 */
export const MAX_JSON_DEPTH = 32;

/** Refuses (422) a parsed value nested deeper than MAX_JSON_DEPTH; walks it with its own stack, never recursion. */
function assertNestingWithin(value: unknown): void {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== "object") continue;
    if (depth > MAX_JSON_DEPTH) throw new Invalid(`The body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`);
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
}

/**
 * The raw body, at most `limit` bytes: a declared Content-Length over it is
 * refused unread, and a body that grows past it while streaming is cut off.
 * For uploads (a logo); JSON goes through readJson.
 */
export async function readBytes(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > limit) throw new BodyTooLarge(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw new BodyCutShort();
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Throws on bytes that aren't UTF-8; a byte-order mark is kept (and so is not JSON, as before). */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The body as text, decoded as UTF-8 (JSON's only encoding, RFC 8259) whatever charset the Content-Type names.
 * Bytes that aren't UTF-8 are a 400 (review 22): decoded with replacement characters, a Latin-1 "Café" was stored
 * as "Caf\ufffd" without a word.
 */
async function readCapped(request: Request, limit: number): Promise<string> {
  const bytes = await readBytes(request, limit);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MalformedRequest("Request body is not valid UTF-8 (JSON must be sent as UTF-8)");
  }
}

/** Parses the body as JSON (an empty body counts as {}) and validates it. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const type = request.headers.get("content-type") ?? "";
  const text = await readCapped(request, MAX_JSON_BODY_BYTES);
  if (text.trim() !== "" && !/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaType("Content-Type must be application/json");
  }
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      throw new MalformedRequest("Request body is not valid JSON");
    }
  }
  assertNestingWithin(value);
  assertWellFormedText(value);
  return parseOrThrow(schema, value);
}

/** A body naming the fields to change, for a service that applies it over what it stores (lib/data/patch) and validates the result. */
const patchBody = z.record(z.string(), z.unknown(), { error: "The body must be a JSON object of the fields to change" });

/**
 * The fields a partial update's body may name: those its input schema reads (`writes`), and the
 * other fields its GET answers (`answers`: ids, timestamps, a secret's "is set"), which a client that
 * GETs, changes one value and PUTs the whole object back sends too; those are ignored.
 */
export type PatchFields = { writes: ReadonlySet<string>; answers: ReadonlySet<string> };

/** The top-level fields a schema reads: an object's keys, a pipe's (a transform's) input's, every option's of a union. */
export function fieldsOf(schema: z.core.$ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return fieldsOf(schema.in);
  if (schema instanceof z.ZodUnion) return [...new Set(schema.options.flatMap((option) => fieldsOf(option)))];
  throw new Error(`No fields to list in a ${schema._zod.def.type} schema`);
}

/** What a route's PUT may name, from its input schema and its GET answer's schema (never a hand-written list). */
export function patchFields(input: z.core.$ZodType, answer: z.core.$ZodType): PatchFields {
  const writes = new Set(fieldsOf(input));
  return { writes, answers: new Set(fieldsOf(answer).filter((name) => !writes.has(name))) };
}

const UNKNOWN_FIELD = "Unknown field";

/**
 * The fields to change, as the body names them; the GET answer's read-only fields it carries back are
 * left out. Any other field is refused (422 naming each, nothing saved): a typo such as
 * "allow_unecrypted" used to answer 200 and change nothing, and the person believed it saved.
 */
export async function readPatch(request: Request, fields: PatchFields): Promise<Record<string, unknown>> {
  return knownFields(await readJson(request, patchBody), fields);
}

const createBody = z.record(z.string(), z.unknown(), { error: "The body must be a JSON object" });

/**
 * A create's body, held to readPatch's rule (a field the route neither reads nor answers is refused, so a typo
 * is never a silently different record), then validated whole by the create's schema. The GET answer's
 * read-only fields are ignored, so an answer sent back makes a copy.
 */
export async function readCreate<S extends z.ZodType>(request: Request, schema: S, fields: PatchFields): Promise<z.output<S>> {
  return parseOrThrow(schema, knownFields(await readJson(request, createBody), fields));
}

function knownFields(body: Record<string, unknown>, fields: PatchFields): Record<string, unknown> {
  const unknown = Object.keys(body).filter((name) => !fields.writes.has(name) && !fields.answers.has(name));
  if (unknown.length > 0) {
    const named = unknown.join(", ");
    const [message, key] = unknown.length === 1 ? [`${UNKNOWN_FIELD}: ${named}`, "unknownFieldNamed" as const] : [`Unknown fields: ${named}`, "unknownFieldsNamed" as const];
    throw new Invalid(message, Object.fromEntries(unknown.map((name) => [name, [UNKNOWN_FIELD]]))).keyed(key, { fields: named });
  }
  return Object.fromEntries(Object.entries(body).filter(([name]) => fields.writes.has(name)));
}
