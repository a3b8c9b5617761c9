import zlib from "node:zlib";
import sharp from "sharp";
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
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML_NAMED_PNG = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
const WHERE = "GPSLatitude 52.5208 N GPSLongitude 13.4094 E";

/** A real picture of w×h in the format, encoded by sharp (as a camera or an editor would make one). */
function picture(format: "png" | "jpeg" | "webp", w: number, h: number) {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 40, b: 90 } } })[format]();
}

let JPEG: Buffer;
let WEBP: Buffer;
beforeAll(async () => {
  JPEG = await picture("jpeg", 2, 2).toBuffer();
  WEBP = await picture("webp", 2, 2).toBuffer();
});

async function fieldErrors(fn: () => Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await fn();
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

  it("refuses SVG, an HTML page (whatever it was called or claimed to be), a truncated PNG, an empty file and one over 256 KiB", async () => {
    expect(sniffLogoType(SVG)).toBeNull();
    expect((await fieldErrors(() => checkLogo(HTML_NAMED_PNG))).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
    expect((await fieldErrors(() => checkLogo(PNG.subarray(0, 8)))).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
    expect((await fieldErrors(() => checkLogo(Buffer.alloc(0)))).logo).toEqual(["The file is empty"]);
    const huge = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES + 1 - PNG.length)]);
    expect((await fieldErrors(() => checkLogo(huge))).logo).toEqual(["The logo must be at most 256 KiB"]);
    // Exactly at the limit is fine (what follows the picture's end is not kept).
    expect((await checkLogo(huge.subarray(0, MAX_LOGO_BYTES))).type).toBe("image/png");
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

/** The real JPEG above claiming w×h in its frame header (SOF0). */
function jpegClaiming(w: number, h: number): Buffer {
  const jpeg = Buffer.from(JPEG);
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  jpeg.writeUInt16BE(h, sof + 5);
  jpeg.writeUInt16BE(w, sof + 7);
  return jpeg;
}

/** The real (lossy, "VP8 ") WebP above claiming w×h in its frame header. */
function webpClaiming(w: number, h: number): Buffer {
  const webp = Buffer.from(WEBP);
  expect(webp.toString("latin1", 12, 16)).toBe("VP8 ");
  webp.writeUInt16LE(w & 0x3fff, 26);
  webp.writeUInt16LE(h & 0x3fff, 28);
  return webp;
}

describe("a logo is a picture of sensible dimensions (no decompression bomb for every visitor's browser)", () => {
  const TOO_LARGE = ["The logo must be at most 4096 × 4096 pixels"];

  it("refuses a small file that declares an enormous picture, in each format, before decoding it", async () => {
    for (const bomb of [pngClaiming(65_535, 65_535), pngClaiming(4097, 1), jpegClaiming(65_500, 65_500), jpegClaiming(1, 4097), webpClaiming(16_383, 16_383), webpClaiming(4097, 2)]) {
      expect(bomb.byteLength).toBeLessThan(1000);
      expect((await fieldErrors(() => checkLogo(bomb))).logo).toEqual(TOO_LARGE);
    }
  });

  it("refuses a file whose picture can't be read: a JPEG without a frame header, a cut-off PNG header, a PNG whose data doesn't match its size", async () => {
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
    for (const broken of [noFrame, PNG.subarray(0, 20), pngClaiming(4096, 4096)]) {
      expect((await fieldErrors(() => checkLogo(broken))).logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
    }
  });

  it("takes logos up to 4096 pixels a side, in each format", async () => {
    for (const [format, w, h] of [["png", 4096, 1], ["jpeg", 1, 4096], ["webp", 4096, 16]] as const) {
      const logo = await checkLogo(await picture(format, w, h).toBuffer());
      expect(logo.type).toBe(`image/${format}`);
      expect(await sharp(logo.bytes).metadata()).toMatchObject({ format, width: w, height: h });
    }
  });
});

describe("a logo is served without the metadata it was uploaded with (camera, author, where it was taken)", () => {
  it("keeps no EXIF, XMP or text from the upload, in each format, and nothing after the picture's end", async () => {
    for (const format of ["png", "jpeg", "webp"] as const) {
      const upload = Buffer.concat([
        await picture(format, 30, 12)
          .withExif({ IFD0: { Copyright: `Olive Owner, ${WHERE}` } })
          .withXmp(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>${WHERE}</rdf:Description></rdf:RDF></x:xmpmeta>`)
          .toBuffer(),
        Buffer.from("<script>after the end</script>"),
      ]);
      expect(upload.includes(WHERE)).toBe(true);
      const logo = await checkLogo(upload);
      expect(logo.bytes.includes(WHERE), format).toBe(false);
      expect(logo.bytes.includes("<script>"), format).toBe(false);
      const kept = await sharp(logo.bytes).metadata();
      expect(kept, format).toMatchObject({ format, width: 30, height: 12 });
      expect(kept.exif, format).toBeUndefined();
      expect(kept.xmp, format).toBeUndefined();
    }
  });

  it("turns a photo upright by its EXIF orientation before the orientation goes with the rest", async () => {
    const sideways = await picture("jpeg", 40, 10).withMetadata({ orientation: 6 }).toBuffer();
    const logo = await checkLogo(sideways);
    const kept = await sharp(logo.bytes).metadata();
    expect(kept).toMatchObject({ width: 10, height: 40 });
    expect(kept.orientation).toBeUndefined();
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

  it("keeps the default when the default's own name comes back (a client that GETs and PUTs the settings back)", async () => {
    expect(await updateAppearance(owner, { name: "" }, META)).toMatchObject({ name: "Latchkey", custom: false });
    const before = (await lastEvent()).id;
    expect(await updateAppearance(owner, { name: "Latchkey" }, META)).toMatchObject({ name: "Latchkey", custom: false });
    expect((await lastEvent()).id).toBe(before);
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
    const stored = (await checkLogo(PNG)).bytes;
    expect((await instanceBranding()).logo?.bytes.equals(stored)).toBe(true);
    expect((await lastEvent()).details).toMatchObject({ changed: ["logo"], logo_type: "image/png", logo_size: stored.length });
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
