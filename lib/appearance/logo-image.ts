/**
 * What a logo upload really is, decided from its first bytes (never from the
 * file's name or the type the client claimed): PNG, JPEG or WebP, nothing
 * else. SVG is refused on purpose: it is a document that can carry script.
 * Its dimensions are read from its header too, and a picture over
 * MAX_LOGO_SIDE a side is refused: a file of a few bytes may declare 65,535 ×
 * 65,535 pixels, and the sign-in page and every mail would have each
 * visitor's browser or mail client decode it (a decompression bomb). What is
 * kept is the picture without its metadata (./logo-metadata.ts).
 */
import crypto from "node:crypto";
import type { LogoType } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
import { withoutMetadata } from "./logo-metadata";
import { LOGO_DIMENSIONS_MESSAGE, LOGO_EMPTY_MESSAGE, LOGO_SIZE_MESSAGE, LOGO_TYPE_MESSAGE, MAX_LOGO_BYTES, MAX_LOGO_SIDE } from "./limits";

export { MAX_LOGO_BYTES };

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
  return bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
}

/** The picture's type from its magic bytes, or null when it is none of the three. */
export function sniffLogoType(bytes: Uint8Array): LogoType | null {
  // PNG: the 8-byte signature, then the IHDR chunk.
  if (startsWith(bytes, PNG) && startsWith(bytes, [0x49, 0x48, 0x44, 0x52], 12)) return "image/png";
  // JPEG: SOI then a marker.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  // WebP: a RIFF container whose form type is WEBP, then a VP8 / VP8L / VP8X chunk.
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8) && startsWith(bytes, [0x56, 0x50, 0x38], 12)) return "image/webp";
  return null;
}

type Dimensions = { width: number; height: number };

/** A JPEG's size from its frame header (SOF0–SOF15 but DHT, JPG and DAC), found by walking the segments before the scan. */
function jpegDimensions(bytes: Buffer): Dimensions | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or the scan, before any frame header
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 9 <= bytes.length ? { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) } : null;
    }
    at += 2 + length;
  }
  return null;
}

/** A WebP's size from its first chunk: the canvas of VP8X, the header of VP8L (lossless) or of "VP8 " (lossy). */
function webpDimensions(bytes: Buffer): Dimensions | null {
  const chunk = bytes.toString("latin1", 12, 16);
  if (chunk === "VP8X" && bytes.length >= 30) return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  if (chunk === "VP8L" && bytes.length >= 25 && bytes[20] === 0x2f) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8 " && bytes.length >= 30 && startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  return null;
}

/** The picture's width and height as its header declares them (what a decoder allocates for), or null when unreadable. */
export function logoDimensions(bytes: Buffer, type: LogoType): Dimensions | null {
  if (type === "image/png") return bytes.length >= 24 ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : null;
  if (type === "image/jpeg") return jpegDimensions(bytes);
  return webpDimensions(bytes);
}

export type CheckedLogo = { type: LogoType; bytes: Buffer; digest: string };

/** The upload as a logo, or Invalid on the `logo` field (empty, too large, not a PNG/JPEG/WebP, or too many pixels). */
export function checkLogo(bytes: Uint8Array): CheckedLogo {
  if (bytes.byteLength === 0) throw new Invalid(LOGO_EMPTY_MESSAGE, { logo: [LOGO_EMPTY_MESSAGE] });
  if (bytes.byteLength > MAX_LOGO_BYTES) throw new Invalid(LOGO_SIZE_MESSAGE, { logo: [LOGO_SIZE_MESSAGE] });
  const type = sniffLogoType(bytes);
  if (!type) throw new Invalid(LOGO_TYPE_MESSAGE, { logo: [LOGO_TYPE_MESSAGE] });
  const buffer = withoutMetadata(Buffer.from(bytes), type);
  if (!buffer) throw new Invalid(LOGO_TYPE_MESSAGE, { logo: [LOGO_TYPE_MESSAGE] });
  const size = logoDimensions(buffer, type);
  if (!size || size.width === 0 || size.height === 0) throw new Invalid(LOGO_TYPE_MESSAGE, { logo: [LOGO_TYPE_MESSAGE] });
  if (size.width > MAX_LOGO_SIDE || size.height > MAX_LOGO_SIDE) throw new Invalid(LOGO_DIMENSIONS_MESSAGE, { logo: [LOGO_DIMENSIONS_MESSAGE] });
  return { type, bytes: buffer, digest: crypto.createHash("sha256").update(buffer).digest("hex") };
}
