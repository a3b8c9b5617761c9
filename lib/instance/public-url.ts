/**
 * Where people reach this instance, the one rule for it (mail links, the
 * OpenID issuer, the passkeys' relying party): PUBLIC_URL, else the public
 * address the owner set in Settings → Email; without a trailing slash; never
 * from a request's Host or forwarded headers. Here, below the capabilities,
 * so that every one of them may ask it.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { config } from "@/lib/config";
import type { Db, Tx } from "@/lib/db/database";
import { mailSettings } from "@/lib/db/schema";

/** The rule, for a caller that holds the settings row already. */
export function publicUrlFrom(row: { publicUrl: string | null } | undefined): string | null {
  const url = config().publicUrl ?? row?.publicUrl?.trim() ?? null;
  return url ? url.replace(/\/+$/, "") : null;
}

/** Where people reach this instance (see publicUrlFrom), or null. */
export async function publicUrlOf(q: Db | Tx, accountId: string): Promise<string | null> {
  const [row] = await q.select({ publicUrl: mailSettings.publicUrl }).from(mailSettings).where(eq(mailSettings.accountId, accountId)).limit(1);
  return publicUrlFrom(row);
}
