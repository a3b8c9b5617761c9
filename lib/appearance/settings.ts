/**
 * Settings → Appearance: the instance's name and logo, shown on the sign-in,
 * setup, invite and OpenID pages, in tab titles and in mail. Everyone with
 * settings:read sees them; only the owner (settings:appearance) changes
 * them. Every change bumps the "appearance" cache version in its unit of work
 * (lib/instance/branding.ts reads through that cache) and records
 * `settings.appearance.changed` naming the fields that changed.
 */
import "server-only";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { write } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { instanceAppearance } from "@/lib/db/schema";
import { parseOrThrow } from "@/lib/http/validation";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { assertWellFormedText } from "@/lib/http/well-formed-text";
import { APPEARANCE_CACHE, brandingOf, logoPath, type Branding } from "@/lib/instance/branding";
import { INSTANCE_NAME_MAX } from "./limits";
import { checkLogo, type CheckedLogo } from "./logo-image";

export { INSTANCE_NAME_MAX };

const DENIED = "Only the owner can change the appearance";

/** Body of PUT /api/settings/appearance, and the form's: an empty name means the default ("Latchkey"). */
export const appearanceInputSchema = z.object({
  name: z
    .string({ error: "Name must be text" })
    .trim()
    .max(INSTANCE_NAME_MAX, `Name must be at most ${INSTANCE_NAME_MAX} characters`)
    // Line breaks, tabs, other controls and direction overrides: the rule for every name others read.
    .refine((name) => !hasUnsafeDisplayCharacters(name), "Name must not contain control characters"),
});
export type AppearanceInput = z.input<typeof appearanceInputSchema>;

export async function appearanceSettings(actor: Actor): Promise<Branding> {
  assertCan(actor, "settings:read");
  return brandingOf(db(), actor.accountId);
}

type Change = { name?: string | null; logo?: CheckedLogo | null };

/**
 * Whether a name sent is the one in force: the custom name itself, or with the default in force, no name or the
 * default's own text (a client that GETs the settings and PUTs them back sends "Latchkey": that keeps the default).
 */
function sameName(name: string | null, before: Branding): boolean {
  return before.custom ? name === before.name : name === null || name === before.name;
}

async function applyChange(actor: Actor, change: Change, meta: RequestMeta, now: Date): Promise<Branding> {
  return write(actor, async (tx: Tx, me) => {
    assertCan(me, "settings:appearance", DENIED);
    const before = await brandingOf(tx, actor.accountId);
    const changed: string[] = [];
    const values: Partial<typeof instanceAppearance.$inferInsert> = {};
    if (change.name !== undefined && !sameName(change.name, before)) {
      changed.push("name");
      values.name = change.name;
    }
    if (change.logo !== undefined && (change.logo?.digest ?? null) !== (before.logo?.digest ?? null)) {
      changed.push("logo");
      values.logoType = change.logo?.type ?? null;
      values.logoData = change.logo ? change.logo.bytes.toString("base64") : null;
      values.logoDigest = change.logo?.digest ?? null;
    }
    // Nothing changed: nothing written, no event, no cache reload anywhere.
    if (changed.length === 0) return before;
    const row = { ...values, updatedAt: now };
    await tx
      .insert(instanceAppearance)
      .values({ accountId: actor.accountId, ...row })
      .onConflictDoUpdate({ target: instanceAppearance.accountId, set: row });
    await bumpCacheVersion(tx, APPEARANCE_CACHE);
    const after = await brandingOf(tx, actor.accountId);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "settings.appearance.changed",
      actor: me,
      details: {
        changed,
        ...(changed.includes("name") && { name: after.custom ? after.name : null }),
        ...(changed.includes("logo") && { logo_type: after.logo?.type ?? null, logo_size: after.logo?.bytes.byteLength ?? null }),
      },
      meta,
      at: now,
    });
    return after;
  });
}

/** Changes the name (owner only); an empty name goes back to the default. */
export async function updateAppearance(actor: Actor, input: AppearanceInput | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<Branding> {
  assertCan(actor, "settings:appearance", DENIED);
  assertWellFormedText(input);
  const parsed = parseOrThrow(appearanceInputSchema, input);
  return applyChange(actor, { name: parsed.name === "" ? null : parsed.name }, meta, now);
}

/** Sets the logo from the uploaded bytes (owner only); its type comes from the bytes themselves. */
export async function setLogo(actor: Actor, bytes: Uint8Array, meta: RequestMeta, now = new Date()): Promise<Branding> {
  assertCan(actor, "settings:appearance", DENIED);
  return applyChange(actor, { logo: await checkLogo(bytes) }, meta, now);
}

/** Removes the logo (owner only); removing none is no change. */
export async function removeLogo(actor: Actor, meta: RequestMeta, now = new Date()): Promise<Branding> {
  assertCan(actor, "settings:appearance", DENIED);
  return applyChange(actor, { logo: null }, meta, now);
}

export const apiAppearanceSchema = z
  .object({
    name: z.string(),
    name_is_default: z.boolean(),
    logo: z.object({ content_type: z.string(), size: z.number().int(), url: z.string() }).nullable(),
  })
  .meta({ id: "Appearance" });

export function toApiAppearance(branding: Branding): z.infer<typeof apiAppearanceSchema> {
  return {
    name: branding.name,
    name_is_default: !branding.custom,
    logo: branding.logo ? { content_type: branding.logo.type, size: branding.logo.bytes.byteLength, url: logoPath(branding.logo) } : null,
  };
}
