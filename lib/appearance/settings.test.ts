import zlib from "node:zlib";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { instanceAppearance } from "@/lib/db/schema";
import { Forbidden, Invalid } from "@/lib/errors";
import { APPEARANCE_CACHE, instanceBranding, mailBrandOf, withInstanceName } from "@/lib/instance/branding";
import { inviteMail } from "@/lib/mail/templates";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { MAX_LOGO_BYTES } from "./limits";
import { checkLogo, sniffLogoType } from "./logo-image";
import { removeLogo, setLogo, updateAppearance } from "./settings";

/** A real 1×1 PNG (signature, IHDR, IDAT, IEND). */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
/** The start of a JPEG: SOI, a JFIF APP0 segment, then a baseline frame header (SOF0) of w×h, three components. */
function jpegHead(w: number, h: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xda]);
}
const JPEG = jpegHead(1, 1);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x1a, 0, 0, 0]), Buffer.from("WEBPVP8L"), Buffer.alloc(8)]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML_NAMED_PNG = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");

function fieldErrors(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (err) {
    if (err instanceof Invalid) return err.fieldErrors;
    throw err;
  }
  throw new Error("expected Invalid");
}

describe("what a logo upload is, from its bytes", () => {
  it("knows PNG, JPEG and WebP by their magic bytes", () => {
    expect(sniffLogoType(PNG)).toBe("image/png");
    expect(sniffLogoType(JPEG)).toBe("image/jpeg");
    expect(sniffLogoType(WEBP)).toBe("image/webp");
  });

  it("refuses SVG, an HTML page (whatever it was called or claimed to be), a truncated PNG, an empty file and one over 256 KiB", () => {
    expect(sniffLogoType(SVG)).toBeNull();
    expect(fieldErrors(() => checkLogo(HTML_NAMED_PNG)).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
    expect(fieldErrors(() => checkLogo(PNG.subarray(0, 8))).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
    expect(fieldErrors(() => checkLogo(Buffer.alloc(0))).logo).toEqual(["The file is empty"]);
    const huge = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES + 1 - PNG.length)]);
    expect(fieldErrors(() => checkLogo(huge)).logo).toEqual(["The logo must be at most 256 KiB"]);
    // Exactly at the limit is fine.
    expect(checkLogo(huge.subarray(0, MAX_LOGO_BYTES)).type).toBe("image/png");
  });
});

/** The 1×1 PNG above claiming w×h in its IHDR, its CRC right (a decoder takes it at its word). */
function pngClaiming(w: number, h: number): Buffer {
  const png = Buffer.from(PNG);
  png.writeUInt32BE(w, 16);
  png.writeUInt32BE(h, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A WebP whose first chunk is VP8X (extended), VP8L (lossless) or "VP8 " (lossy), declaring w×h. */
function webpClaiming(kind: "VP8X" | "VP8L" | "VP8 ", w: number, h: number): Buffer {
  let chunk: Buffer;
  if (kind === "VP8X") {
    chunk = Buffer.alloc(10);
    chunk.writeUIntLE(w - 1, 4, 3);
    chunk.writeUIntLE(h - 1, 7, 3);
  } else if (kind === "VP8L") {
    chunk = Buffer.alloc(5);
    chunk[0] = 0x2f;
    chunk.writeUInt32LE(((w - 1) & 0x3fff) | (((h - 1) & 0x3fff) << 14), 1);
  } else {
    chunk = Buffer.from([0x9d, 0x01, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    chunk.writeUInt16LE(0x30, 0); // frame tag: a key frame
    chunk[3] = 0x9d;
    chunk[4] = 0x01;
    chunk[5] = 0x2a;
    chunk.writeUInt16LE(w & 0x3fff, 6);
    chunk.writeUInt16LE(h & 0x3fff, 8);
  }
  const head = Buffer.alloc(8);
  head.write(kind, 0, "latin1");
  head.writeUInt32LE(chunk.length, 4);
  const body = Buffer.concat([Buffer.from("WEBP"), head, chunk]);
  const riff = Buffer.alloc(8);
  riff.write("RIFF", 0, "latin1");
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe("a logo is a picture of sensible dimensions (no decompression bomb for every visitor's browser)", () => {
  const TOO_LARGE = ["The logo must be at most 4096 × 4096 pixels"];

  it("refuses a small file that declares an enormous picture, in each format", () => {
    for (const bomb of [
      pngClaiming(65_535, 65_535),
      pngClaiming(4097, 1),
      jpegHead(65_500, 65_500),
      jpegHead(1, 4097),
      webpClaiming("VP8X", 16_384, 16_384),
      webpClaiming("VP8L", 16_384, 16_384),
      webpClaiming("VP8 ", 16_383, 16_383),
    ]) {
      expect(bomb.byteLength).toBeLessThan(200);
      expect(fieldErrors(() => checkLogo(bomb)).logo).toEqual(TOO_LARGE);
    }
  });

  it("refuses a file whose dimensions can't be read: a JPEG without a frame header, a cut-off PNG header", () => {
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
    expect(fieldErrors(() => checkLogo(noFrame)).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
    expect(fieldErrors(() => checkLogo(PNG.subarray(0, 20))).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
  });

  it("takes logos up to 4096 pixels a side, in each format", () => {
    expect(checkLogo(pngClaiming(4096, 4096)).type).toBe("image/png");
    expect(checkLogo(PNG).type).toBe("image/png");
    expect(checkLogo(jpegHead(4096, 300)).type).toBe("image/jpeg");
    expect(checkLogo(webpClaiming("VP8X", 4096, 4096)).type).toBe("image/webp");
    expect(checkLogo(webpClaiming("VP8L", 400, 120)).type).toBe("image/webp");
    expect(checkLogo(webpClaiming("VP8 ", 400, 120)).type).toBe("image/webp");
  });
});

/** A PNG chunk: length, type, data, CRC over type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

const WHERE = "GPSLatitude 52.5208 N GPSLongitude 13.4094 E";

describe("a logo is served without the metadata it was uploaded with (camera, author, where it was taken)", () => {
  it("drops a PNG's text, EXIF and time chunks and anything after IEND, keeping the picture's chunks as they were", () => {
    const ihdr = PNG.subarray(8, 33);
    const rest = PNG.subarray(33); // IDAT, IEND
    const withMeta = Buffer.concat([
      PNG.subarray(0, 8),
      ihdr,
      pngChunk("tEXt", Buffer.from(`Author\0Olive Owner, ${WHERE}`, "latin1")),
      pngChunk("iTXt", Buffer.from("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>Olive Owner</x:xmpmeta>", "latin1")),
      pngChunk("eXIf", Buffer.from(`MM\0*${WHERE}`, "latin1")),
      pngChunk("tIME", Buffer.from([0x07, 0xea, 1, 2, 3, 4, 5])),
      rest,
      Buffer.from("<script>after the end</script>"),
    ]);
    const logo = checkLogo(withMeta);
    expect(logo.bytes.equals(PNG)).toBe(true);
  });

  it("drops a JPEG's EXIF and XMP (APP1), IPTC (APP13) and comments, keeping its frame and scan", () => {
    const exif = Buffer.from(`Exif\0\0MM\0*${WHERE}`, "latin1");
    const segment = (marker: number, data: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff]), data]);
    const plain = jpegHead(300, 120);
    const withMeta = Buffer.concat([
      plain.subarray(0, 2),
      segment(0xe1, exif),
      segment(0xe1, Buffer.from("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Olive Owner</x:xmpmeta>", "latin1")),
      segment(0xed, Buffer.from("Photoshop 3.0\0Olive Owner", "latin1")),
      segment(0xfe, Buffer.from("Olive Owner", "latin1")),
      plain.subarray(2),
    ]);
    const logo = checkLogo(withMeta);
    expect(logo.bytes.equals(plain)).toBe(true);
  });

  it("drops a WebP's EXIF and XMP chunks and their flags, keeping the picture", () => {
    const plain = webpClaiming("VP8X", 300, 120);
    const flagged = Buffer.from(plain);
    flagged[20] = 0x08 | 0x04;
    const chunk = (kind: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.write(kind, 0, "latin1");
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const body = Buffer.concat([flagged.subarray(8), chunk("EXIF", Buffer.from(`MM\0*${WHERE}`, "latin1")), chunk("XMP ", Buffer.from("<x:xmpmeta>Olive Owner</x:xmpmeta>", "latin1"))]);
    const riff = Buffer.alloc(8);
    riff.write("RIFF", 0, "latin1");
    riff.writeUInt32LE(body.length, 4);
    const logo = checkLogo(Buffer.concat([riff, body]));
    expect(logo.bytes.equals(plain)).toBe(true);
  });
});

describe("Settings → Appearance", () => {
  let owner: SessionActor;
  let admin: SessionActor;
  let accountId: string;

  beforeAll(async () => {
    accountId = await createAccount();
    owner = await startSession(await createUser(accountId, { role: "owner" }));
    admin = await startSession(await createUser(accountId, { role: "admin" }));
  });

  it("starts as Latchkey with no logo", async () => {
    expect(await instanceBranding()).toMatchObject({ name: "Latchkey", custom: false, logo: null });
  });

  it("validates the name: trimmed, at most 60 characters, no control or direction characters; empty goes back to the default", async () => {
    expect((await updateAppearance(owner, { name: "  Acme Team  " }, META)).name).toBe("Acme Team");
    const event = await lastEvent();
    expect(event.action).toBe("settings.appearance.changed");
    expect(event.details).toMatchObject({ changed: ["name"], name: "Acme Team" });
    await expect(updateAppearance(owner, { name: "x".repeat(61) }, META)).rejects.toMatchObject({ fieldErrors: { name: ["Name must be at most 60 characters"] } });
    await expect(updateAppearance(owner, { name: "Acme\nTeam" }, META)).rejects.toBeInstanceOf(Invalid);
    await expect(updateAppearance(owner, { name: "Acme\u202eTeam" }, META)).rejects.toBeInstanceOf(Invalid);
    await expect(updateAppearance(owner, { name: 42 }, META)).rejects.toBeInstanceOf(Invalid);
    expect((await instanceBranding()).name).toBe("Acme Team");
    // The same name again changes nothing and records nothing.
    const before = (await lastEvent()).id;
    await updateAppearance(owner, { name: "Acme Team" }, META);
    expect((await lastEvent()).id).toBe(before);
    expect(await updateAppearance(owner, { name: "   " }, META)).toMatchObject({ name: "Latchkey", custom: false });
  });

  it("is the owner's alone: an admin is refused and nothing changes", async () => {
    await expect(updateAppearance(admin, { name: "Admin's" }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(setLogo(admin, PNG, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(removeLogo(admin, META)).rejects.toBeInstanceOf(Forbidden);
    expect((await instanceBranding()).name).toBe("Latchkey");
  });

  it("sets, replaces and removes the logo, each change seen at once through the cache and recorded", async () => {
    const set = await setLogo(owner, PNG, META);
    expect(set.logo?.type).toBe("image/png");
    expect((await instanceBranding()).logo?.bytes.equals(PNG)).toBe(true);
    expect((await lastEvent()).details).toMatchObject({ changed: ["logo"], logo_type: "image/png", logo_size: PNG.length });
    await setLogo(owner, JPEG, META);
    expect((await instanceBranding()).logo?.type).toBe("image/jpeg");
    await expect(setLogo(owner, HTML_NAMED_PNG, META)).rejects.toBeInstanceOf(Invalid);
    expect((await instanceBranding()).logo?.type).toBe("image/jpeg");
    await removeLogo(owner, META);
    expect((await instanceBranding()).logo).toBeNull();
    expect((await lastEvent()).details).toMatchObject({ changed: ["logo"], logo_type: null });
  });

  it("is cached in this process and reloaded when another process bumps the version", async () => {
    await updateAppearance(owner, { name: "Cached" }, META);
    expect((await instanceBranding()).name).toBe("Cached");
    // Another replica's write without a bump would not be seen (the cache really caches)…
    await writeSystem(async (tx) => {
      await tx.update(instanceAppearance).set({ name: "Elsewhere" }).where(eq(instanceAppearance.accountId, accountId));
    });
    expect((await instanceBranding()).name).toBe("Cached");
    // …and a replica's write through the service bumps the version, so it is seen at the next read.
    await writeSystem(async (tx) => bumpCacheVersion(tx, APPEARANCE_CACHE));
    expect((await instanceBranding()).name).toBe("Elsewhere");
  });

  it("names the instance in mail, with the logo only from the public address", async () => {
    await updateAppearance(owner, { name: "Acme <Team>" }, META);
    await setLogo(owner, PNG, META);
    const withUrl = await mailBrandOf(db(), accountId, "https://id.example.com");
    expect(withUrl).toMatchObject({ name: "Acme <Team>", custom: true });
    expect(withUrl.logoUrl).toMatch(/^https:\/\/id\.example\.com\/api\/instance\/logo\?v=[0-9a-f]{16}$/);
    expect((await mailBrandOf(db(), accountId, null)).logoUrl).toBeNull();
    const mail = inviteMail("en", { publicUrl: "https://id.example.com", brand: withUrl, name: "Ivy", inviter: "Olga", link: "https://id.example.com/invite?token=x", expiresAt: new Date() });
    expect(mail.subject).toMatch(/· Acme <Team>$/);
    expect(mail.html).toContain("Acme &lt;Team&gt;");
    expect(mail.html).toContain(`<img src="${withUrl.logoUrl}" alt=""`);
    const plain = inviteMail("en", { publicUrl: "https://id.example.com", name: "Ivy", inviter: "Olga", link: "https://id.example.com/invite?token=x", expiresAt: new Date() });
    expect(plain.subject).toMatch(/· Latchkey \(id\.example\.com\)$/);
    expect(plain.html).not.toContain("<img");
  });

  it("puts the name in tab titles in place of the product's", () => {
    expect(withInstanceName("Users · Latchkey", "Acme")).toBe("Users · Acme");
    expect(withInstanceName("Users · Latchkey", "Latchkey")).toBe("Users · Latchkey");
  });
});
