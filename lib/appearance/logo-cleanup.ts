/**
 * Logos stored before uploads were encoded again (lib/appearance/logo-image.ts, security review 10) may
 * still carry their metadata (EXIF with where a photo was taken, XMP, comments), served to anyone at
 * /api/instance/logo and in every mail, or declare more pixels than a logo may have. This pass puts each
 * stored logo through the same check as an upload once per instance: a picture is stored as encoded again
 * (its metadata gone), one the check refuses is removed; either is recorded ("settings.appearance.changed"
 * by "Logo cleanup"). It runs with the maintenance pass (lib/jobs.ts), and notes when it is done (`meta`),
 * so later passes read one row; a restored backup from before brings no note, and the pass runs there again.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { and, eq, isNotNull } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { instanceAppearance, meta } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
import { APPEARANCE_CACHE } from "@/lib/instance/branding";
import { checkLogo, type CheckedLogo } from "./logo-image";

/** The `meta` row that says every stored logo has been checked. */
export const LOGOS_CLEANED = "appearance.logos_cleaned";
const ACTOR = { type: "system" as const, id: null, label: "Logo cleanup" };

/** The stored logo as an upload would be kept now, or null when an upload like it would be refused. */
async function asUploadedNow(bytes: Buffer): Promise<CheckedLogo | null> {
  try {
    return await checkLogo(bytes);
  } catch (err) {
    if (err instanceof Invalid) return null;
    throw err;
  }
}

/** Checks every stored logo once per instance; returns how many it changed or removed. */
export async function cleanStoredLogos({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const [done] = await db().select({ value: meta.value }).from(meta).where(eq(meta.key, LOGOS_CLEANED)).limit(1);
  if (done) return 0;
  const stored = await db()
    .select({ accountId: instanceAppearance.accountId, data: instanceAppearance.logoData, digest: instanceAppearance.logoDigest })
    .from(instanceAppearance)
    .where(isNotNull(instanceAppearance.logoData));
  let changed = 0;
  for (const logo of stored) {
    // Decoded outside the transaction; written only if the logo is still the one read (an upload meanwhile wins).
    const kept = await asUploadedNow(Buffer.from(logo.data!, "base64"));
    if (kept?.digest === logo.digest) continue;
    const wrote = await writeSystem(async (tx) => {
      const values = kept ? { logoType: kept.type, logoData: kept.bytes.toString("base64"), logoDigest: kept.digest } : { logoType: null, logoData: null, logoDigest: null };
      const updated = await tx
        .update(instanceAppearance)
        .set({ ...values, updatedAt: now })
        .where(and(eq(instanceAppearance.accountId, logo.accountId), eq(instanceAppearance.logoDigest, logo.digest!)))
        .returning({ accountId: instanceAppearance.accountId });
      if (updated.length === 0) return false;
      await bumpCacheVersion(tx, APPEARANCE_CACHE);
      await recordEvent(tx, {
        accountId: logo.accountId,
        action: "settings.appearance.changed",
        actor: ACTOR,
        details: { changed: ["logo"], logo_type: kept?.type ?? null, logo_size: kept?.bytes.byteLength ?? null },
        meta: NO_REQUEST,
        at: now,
      });
      return true;
    });
    if (wrote) changed += 1;
  }
  await writeSystem(async (tx) => {
    await tx.insert(meta).values({ key: LOGOS_CLEANED, value: now.toISOString() }).onConflictDoNothing();
  });
  return changed;
}
