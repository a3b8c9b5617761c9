/**
 * Reading a JSON request body safely: the content type must be JSON, the size
 * is capped while streaming (a lying Content-Length doesn't help), its text
 * must be well-formed Unicode, and the parsed value is validated by the
 * route's zod schema.
 */
import "server-only";
import { z } from "zod";
import { BodyTooLarge, MalformedRequest, UnsupportedMediaType } from "@/lib/errors";
import { parseOrThrow } from "./validation";
import { assertWellFormedText } from "./well-formed-text";

export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * The raw body, at most `limit` bytes: a declared Content-Length over it is
 * refused unread, and a body that grows past it while streaming is cut off.
 * For uploads (a logo); JSON goes through readJson.
 */
export async function readBytes(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > limit) throw new BodyTooLarge(`Request body is too large (limit ${limit / 1024} KiB)`);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge(`Request body is too large (limit ${limit / 1024} KiB)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readCapped(request: Request, limit: number): Promise<string> {
  return (await readBytes(request, limit)).toString("utf8");
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
  assertWellFormedText(value);
  return parseOrThrow(schema, value);
}

/** A body naming the fields to change, for a service that applies it over what it stores (lib/data/patch) and validates the result. */
const patchBody = z.record(z.string(), z.unknown(), { error: "The body must be a JSON object of the fields to change" });

export async function readPatch(request: Request): Promise<Record<string, unknown>> {
  return readJson(request, patchBody);
}
