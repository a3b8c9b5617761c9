/**
 * What a logo upload really is, decided from its bytes (never from the file's name or the type the
 * client claimed): PNG, JPEG or WebP, nothing else. SVG is refused on purpose: it is a document that can
 * carry script.
 *
 * What is kept is the picture as sharp (libvips) decodes and encodes it again, in the same format:
 * - its size is read from its header first, and a picture over MAX_LOGO_SIDE a side is refused before
 *   anything is decoded: a file of a few bytes may declare 65,535 × 65,535 pixels, and the sign-in page
 *   and every mail would have each visitor's browser or mail client decode it (a decompression bomb);
 * - the new file carries none of the upload's metadata (EXIF with the camera and where it was taken, XMP,
 *   IPTC, comments, text chunks), which /api/instance/logo and every mail would otherwise hand to anyone;
 *   a photo's EXIF orientation is applied first, so it stays upright;
 * - nothing that was not part of the picture (bytes after its end, a polyglot's other document) survives.
 */
import crypto from "node:crypto";
import type { LogoType } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
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

/** sharp's name for each format, as its metadata reports it. */
const SHARP_FORMAT: Record<LogoType, string> = { "image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp" };

export type CheckedLogo = { type: LogoType; bytes: Buffer; digest: string };

const refuse = (message: string) => new Invalid(message, { logo: [message] });

/** The upload as a logo, or Invalid on the `logo` field (empty, too large, not a PNG/JPEG/WebP, or too many pixels). */
export async function checkLogo(bytes: Uint8Array): Promise<CheckedLogo> {
  if (bytes.byteLength === 0) throw refuse(LOGO_EMPTY_MESSAGE);
  if (bytes.byteLength > MAX_LOGO_BYTES) throw refuse(LOGO_SIZE_MESSAGE);
  const type = sniffLogoType(bytes);
  if (!type) throw refuse(LOGO_TYPE_MESSAGE);
  // Loaded only here: an upload is rare, and the library's memory stays out of every other request's process.
  const { default: sharp } = await import("sharp");
  // The header alone: what a decoder would allocate for.
  const header = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => null);
  if (!header || header.format !== SHARP_FORMAT[type] || !header.width || !header.height) throw refuse(LOGO_TYPE_MESSAGE);
  if (header.width > MAX_LOGO_SIDE || header.height > MAX_LOGO_SIDE) throw refuse(LOGO_DIMENSIONS_MESSAGE);
  const picture = sharp(bytes, { limitInputPixels: MAX_LOGO_SIDE * MAX_LOGO_SIDE, failOn: "error" }).rotate();
  const encoded =
    type === "image/png" ? picture.png({ compressionLevel: 9 }) : type === "image/jpeg" ? picture.jpeg({ quality: 90 }) : picture.webp({ quality: 90 });
  const clean = await encoded.toBuffer().catch(() => null);
  if (!clean) throw refuse(LOGO_TYPE_MESSAGE);
  return { type, bytes: clean, digest: crypto.createHash("sha256").update(clean).digest("hex") };
}
