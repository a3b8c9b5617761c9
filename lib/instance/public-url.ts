/**
 * Where people reach this instance, the one rule for it (mail links, the
 * OpenID issuer, the passkeys' relying party): PUBLIC_URL, else the public
 * address the owner set in Settings → Email; without a trailing slash; never
 * from a request's Host or forwarded headers. Here, below the capabilities,
 * so that every one of them may ask it.
 *
 * A public address has no path (isPublicAddress, lib/config.ts): Latchkey answers at the root of its host. Before
 * stop 58 Settings → Email stored one with a path all the same, which then prefixed every link in mail and the
 * issuer with a path where nothing answers; such a stored value is read as its origin, and one that is no http(s)
 * address at all as none.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { config, isPublicAddress } from "@/lib/config";
import type { Db, Tx } from "@/lib/db/database";
import { mailSettings } from "@/lib/db/schema";

/** The rule, for a caller that holds the settings row already. */
export function publicUrlFrom(row: { publicUrl: string | null } | undefined): string | null {
  const url = config().publicUrl ?? storedAddress(row?.publicUrl);
  return url ? url.replace(/\/+$/, "") : null;
}

function storedAddress(stored: string | null | undefined): string | null {
  const value = stored?.trim();
  if (!value) return null;
  if (isPublicAddress(value)) return value;
  if (!URL.canParse(value)) return null;
  const { protocol, origin } = new URL(value);
  return (protocol === "https:" || protocol === "http:") && isPublicAddress(origin) ? origin : null;
}

/** Where people reach this instance (see publicUrlFrom), or null. */
export async function publicUrlOf(q: Db | Tx, accountId: string): Promise<string | null> {
  const [row] = await q.select({ publicUrl: mailSettings.publicUrl }).from(mailSettings).where(eq(mailSettings.accountId, accountId)).limit(1);
  return publicUrlFrom(row);
}
