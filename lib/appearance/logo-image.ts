/**
 * What a logo upload really is, decided from its first bytes (never from the
 * file's name or the type the client claimed): PNG, JPEG or WebP, nothing
 * else. SVG is refused on purpose: it is a document that can carry script.
 */
import crypto from "node:crypto";
import type { LogoType } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
import { LOGO_EMPTY_MESSAGE, LOGO_SIZE_MESSAGE, LOGO_TYPE_MESSAGE, MAX_LOGO_BYTES } from "./limits";

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

export type CheckedLogo = { type: LogoType; bytes: Buffer; digest: string };

/** The upload as a logo, or Invalid on the `logo` field (empty, too large, not a PNG/JPEG/WebP). */
export function checkLogo(bytes: Uint8Array): CheckedLogo {
  if (bytes.byteLength === 0) throw new Invalid(LOGO_EMPTY_MESSAGE, { logo: [LOGO_EMPTY_MESSAGE] });
  if (bytes.byteLength > MAX_LOGO_BYTES) throw new Invalid(LOGO_SIZE_MESSAGE, { logo: [LOGO_SIZE_MESSAGE] });
  const type = sniffLogoType(bytes);
  if (!type) throw new Invalid(LOGO_TYPE_MESSAGE, { logo: [LOGO_TYPE_MESSAGE] });
  const buffer = Buffer.from(bytes);
  return { type, bytes: buffer, digest: crypto.createHash("sha256").update(buffer).digest("hex") };
}
