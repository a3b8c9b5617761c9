/**
 * An app's authorization waiting on Latchkey (the provider's interaction, /oidc/interaction/:uid), read by
 * the pages on its way back: the sign-in page's "confirm it's you" mode (lib/sign-in/reauthentication.ts)
 * and the return of a sign-in that failed (lib/sign-in/failed-sign-in-return.ts).
 */
import "server-only";
import type { AdapterPayload } from "oidc-provider";
import { OidcAdapter } from "./adapter";

/** Interaction `uid` while it lives (begun, not expired at `now`); null once it has expired, or when there is none. */
export async function liveInteraction(uid: string, now = Date.now()): Promise<(AdapterPayload & { iat: number }) | null> {
  const interaction = (await new OidcAdapter("Interaction").find(uid)) as AdapterPayload | undefined;
  if (!interaction || interaction.iat === undefined || (interaction.exp ?? 0) * 1000 <= now) return null;
  return interaction as AdapterPayload & { iat: number };
}
