/**
 * A logo without what it says about where it came from. The logo is public
 * (the sign-in page, every mail), and a picture saved from a phone or a design
 * tool carries metadata: where it was taken (EXIF GPS), the camera, the
 * author's name, the software (XMP, IPTC, text chunks, comments). Only the
 * parts that carry such text are dropped; the picture's own data (frames,
 * scans, colour profiles, palettes) is kept byte for byte, so nothing is
 * decoded or re-encoded here.
 */
import type { LogoType } from "@/lib/db/schema";

/** PNG chunks of text, EXIF and the time of the last change. */
const PNG_METADATA = new Set(["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]);

/** The PNG's chunks up to IEND without metadata (what follows IEND is no part of the picture), or null when a chunk runs past the end. */
function pngWithoutMetadata(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const end = at + 12 + bytes.readUInt32BE(at);
    if (end > bytes.length) return null;
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (!PNG_METADATA.has(type)) kept.push(bytes.subarray(at, end));
    if (type === "IEND") return Buffer.concat(kept);
    at = end;
  }
  return null;
}

/** JPEG segments that carry metadata: APP1 (EXIF, XMP), APP13 (IPTC, Photoshop) and comments. */
const JPEG_METADATA = new Set([0xe1, 0xed, 0xfe]);

/** The JPEG without metadata segments before its first scan; from the scan on it is copied as it is. */
function jpegWithoutMetadata(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 2 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      const step = marker === 0xff ? 1 : 2; // a fill byte, or a marker without a length
      kept.push(bytes.subarray(at, at + step));
      at += step;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return Buffer.concat([...kept, bytes.subarray(at)]);
    if (at + 4 > bytes.length) return null;
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length) return null;
    if (!JPEG_METADATA.has(marker)) kept.push(bytes.subarray(at, end));
    at = end;
  }
  return null;
}

/** The VP8X flags that announce EXIF and XMP chunks. */
const WEBP_EXIF_FLAG = 0x08;
const WEBP_XMP_FLAG = 0x04;

/** The WebP's chunks without EXIF and XMP (and their flags), up to the end its RIFF header gives, or null when a chunk runs past it. */
function webpWithoutMetadata(bytes: Buffer): Buffer | null {
  const riffEnd = 8 + bytes.readUInt32LE(4);
  if (riffEnd > bytes.length) return null;
  const kept: Buffer[] = [];
  let at = 12;
  while (at + 8 <= riffEnd) {
    const size = bytes.readUInt32LE(at + 4);
    // Chunks are padded to an even length; a last chunk without its pad byte is taken as it is.
    const end = Math.min(at + 8 + size + (size % 2), riffEnd);
    if (at + 8 + size > riffEnd) return null;
    const kind = bytes.toString("latin1", at, at + 4);
    if (kind === "VP8X") {
      const chunk = Buffer.from(bytes.subarray(at, end));
      chunk[8] &= ~(WEBP_EXIF_FLAG | WEBP_XMP_FLAG);
      kept.push(chunk);
    } else if (kind !== "EXIF" && kind !== "XMP ") {
      kept.push(bytes.subarray(at, end));
    }
    at = end;
  }
  const body = Buffer.concat([Buffer.from("WEBP", "latin1"), ...kept]);
  const header = Buffer.alloc(8);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** The picture without its metadata, or null when its structure doesn't hold together (then it is no picture to show). */
export function withoutMetadata(bytes: Buffer, type: LogoType): Buffer | null {
  if (type === "image/png") return pngWithoutMetadata(bytes);
  if (type === "image/jpeg") return jpegWithoutMetadata(bytes);
  return webpWithoutMetadata(bytes);
}
