/**
 * The instance's name and logo as every page, mail and sign-in screen shows
 * them (Settings → Appearance, lib/appearance). Here, below the capabilities,
 * so that any of them (mail, the OpenID pages) may ask. Read through a cache
 * that follows the "appearance" cache version, so a change made on one
 * replica shows on every other at its next request. Before setup (no account
 * yet) everything is the default.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { cache as perRender } from "react";
import { versionedCache } from "@/lib/data/cache-version";
import type { Db, Tx } from "@/lib/db/database";
import { instanceAppearance, type LogoType } from "@/lib/db/schema";
import { instanceAccountId } from "./account";

export const DEFAULT_INSTANCE_NAME = "Latchkey";

/** The cache version the appearance's writes bump (lib/appearance). */
export const APPEARANCE_CACHE = "appearance";

export type StoredLogo = { type: LogoType; digest: string; bytes: Buffer };

export type Branding = {
  /** The owner's name for the instance, or the default. */
  name: string;
  /** Whether the owner chose the name (false: the default is shown). */
  custom: boolean;
  logo: StoredLogo | null;
};

export const DEFAULT_BRANDING: Branding = { name: DEFAULT_INSTANCE_NAME, custom: false, logo: null };

/** The stored appearance of one account, through q (a unit of work's tx reads what it is about to change). */
export async function brandingOf(q: Db | Tx, accountId: string): Promise<Branding> {
  const [row] = await q.select().from(instanceAppearance).where(eq(instanceAppearance.accountId, accountId)).limit(1);
  if (!row) return DEFAULT_BRANDING;
  const logo = row.logoType && row.logoData && row.logoDigest ? { type: row.logoType, digest: row.logoDigest, bytes: Buffer.from(row.logoData, "base64") } : null;
  return row.name ? { name: row.name, custom: true, logo } : { name: DEFAULT_INSTANCE_NAME, custom: false, logo };
}

const cache = versionedCache<Branding>(APPEARANCE_CACHE, async (q) => {
  const accountId = await instanceAccountId();
  return accountId ? brandingOf(q, accountId) : DEFAULT_BRANDING;
});

/**
 * The instance's appearance for anyone (public pages, mail, tab titles): cached, right across processes. Within
 * one server render (React's cache, as lib/sign-in/session-actor.ts) it is read once, though a dashboard page asks
 * three times (the root layout's and the page's titles, the dashboard layout): each ask reads the stored version, a
 * round trip on PostgreSQL (docs/benchmarks.md, round 31). Outside a render (mail, routes, actions) every call reads.
 */
export const instanceBranding = perRender(async (): Promise<Branding> => {
  // Before setup nothing is stored and nothing cached: a later setup must not find a stale default held.
  if ((await instanceAccountId()) === null) return DEFAULT_BRANDING;
  return cache.get();
});

/** The logo's public path (GET /api/instance/logo), versioned by its digest so a new logo is fetched at once. */
export function logoPath(logo: Pick<StoredLogo, "digest">): string {
  return `/api/instance/logo?v=${logo.digest.slice(0, 16)}`;
}

/** What a page needs to draw the brand: the name and, when there is one, the logo's path. */
export type BrandView = { name: string; logoUrl: string | null };

export function brandView(branding: Branding, origin = ""): BrandView {
  return { name: branding.name, logoUrl: branding.logo ? `${origin}${logoPath(branding.logo)}` : null };
}

/** How mail names the instance: its name, and the logo's absolute address when there is a public address to give. */
export type MailBrand = { name: string; custom: boolean; logoUrl: string | null };

/** The mail brand of one account, through q (a unit of work's tx reads it with the mail it queues); a narrow read, no picture. */
export async function mailBrandOf(q: Db | Tx, accountId: string, publicUrl: string | null): Promise<MailBrand> {
  const [row] = await q
    .select({ name: instanceAppearance.name, digest: instanceAppearance.logoDigest })
    .from(instanceAppearance)
    .where(eq(instanceAppearance.accountId, accountId))
    .limit(1);
  return {
    name: row?.name ?? DEFAULT_INSTANCE_NAME,
    custom: Boolean(row?.name),
    logoUrl: publicUrl && row?.digest ? `${publicUrl}${logoPath({ digest: row.digest })}` : null,
  };
}

/** A page title's product suffix (" · Latchkey" in the catalog's titles) with the instance's name instead. */
export function withInstanceName(title: string, name: string): string {
  if (name === DEFAULT_INSTANCE_NAME) return title;
  return title.endsWith(` · ${DEFAULT_INSTANCE_NAME}`) ? `${title.slice(0, -DEFAULT_INSTANCE_NAME.length)}${name}` : title;
}
