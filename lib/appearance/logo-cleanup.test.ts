/** A logo stored before uploads were encoded again is put through the upload's check once (./logo-cleanup.ts). */
import crypto from "node:crypto";
import zlib from "node:zlib";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { instanceAppearance, meta } from "@/lib/db/schema";
import { instanceBranding } from "@/lib/instance/branding";
import { createAccount, lastEvent } from "@/test/factories";
import { cleanStoredLogos, LOGOS_CLEANED } from "./logo-cleanup";

const WHERE = "GPSLatitude 52.5208 N GPSLongitude 13.4094 E";
let accountId: string;

/** Stores bytes as the logo, as an older Latchkey did (no re-encoding). */
async function storeAsBefore(type: "image/png" | "image/jpeg", bytes: Buffer) {
  const row = { logoType: type, logoData: bytes.toString("base64"), logoDigest: crypto.createHash("sha256").update(bytes).digest("hex"), updatedAt: new Date() };
  await writeSystem(async (tx) => {
    await tx.insert(instanceAppearance).values({ accountId, ...row }).onConflictDoUpdate({ target: instanceAppearance.accountId, set: row });
    await tx.delete(meta).where(eq(meta.key, LOGOS_CLEANED));
  });
}

beforeEach(async () => {
  accountId ??= await createAccount();
});

describe("the stored logo's cleanup", () => {
  it("stores a logo with EXIF again without it, once, on record; later passes read one row", async () => {
    const photo = await sharp({ create: { width: 30, height: 12, channels: 3, background: "navy" } })
      .jpeg()
      .withExif({ IFD0: { Copyright: `Olive Owner, ${WHERE}` } })
      .toBuffer();
    await storeAsBefore("image/jpeg", photo);
    expect(await cleanStoredLogos()).toBe(1);
    const logo = (await instanceBranding()).logo!;
    expect(logo.bytes.includes(WHERE)).toBe(false);
    const kept = await sharp(logo.bytes).metadata();
    expect(kept).toMatchObject({ format: "jpeg", width: 30, height: 12 });
    expect(kept.exif).toBeUndefined();
    expect(await lastEvent()).toMatchObject({ action: "settings.appearance.changed", details: expect.objectContaining({ changed: ["logo"], logo_type: "image/jpeg" }) });
    expect(await db().select().from(meta).where(eq(meta.key, LOGOS_CLEANED))).toHaveLength(1);
    expect(await cleanStoredLogos()).toBe(0);
  });

  it("removes a stored logo an upload would be refused for (a PNG declaring 65,535 × 65,535 pixels)", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    png.writeUInt32BE(65_535, 16);
    png.writeUInt32BE(65_535, 20);
    png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
    await storeAsBefore("image/png", png);
    expect(await cleanStoredLogos()).toBe(1);
    expect((await instanceBranding()).logo).toBeNull();
    expect((await lastEvent()).details).toMatchObject({ changed: ["logo"], logo_type: null });
  });
});
